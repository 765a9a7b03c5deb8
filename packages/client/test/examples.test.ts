import type { AddressInfo } from 'node:net';
import { idempotency } from '@oncely/fastify';
import { MemoryStore } from '@oncely/memory';
import { FaultProxy } from '@oncely/testing/fault-proxy';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chargeOrder as withAxios } from '../examples/axios.js';
import { chargeOrder } from '../examples/charge.js';
import { chargeOrder as withKy } from '../examples/ky.js';
import { IdempotencyProblemError } from '../src/index.js';

/** A payments API on @oncely/fastify, behind a proxy that loses the first response. */
async function api() {
  const charges: { id: string; amount: number }[] = [];
  const app = Fastify();
  await app.register(idempotency, { store: new MemoryStore(), required: true });
  app.post<{ Body: { amount: number } }>('/charges', async (request, reply) => {
    const charge = { id: `ch_${charges.length + 1}`, amount: request.body.amount };
    charges.push(charge);
    return reply.code(201).send(charge);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const proxy = await FaultProxy.start(port, { response: (n) => (n === 0 ? 'lose' : 'pass') });
  return {
    charges,
    proxy,
    close: async () => {
      await proxy.close();
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

describe('the README examples', () => {
  let server: Awaited<ReturnType<typeof api>>;
  beforeEach(async () => {
    server = await api();
  });
  afterEach(() => server.close());

  it('examples/charge.ts: the lost response is recovered as a replay; another amount is refused', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const charge = await chargeOrder(server.proxy.url, 'order-1', 1000);
      expect(server.proxy.lost).toEqual([0]);
      expect(charge).toEqual({ id: 'ch_1', amount: 1000 });
      expect(log).toHaveBeenCalledWith('201 after 2 attempt(s), replayed');
      const misuse = chargeOrder(server.proxy.url, 'order-1', 9999);
      await expect(misuse).rejects.toThrow(/different request|another request|fingerprint/i);
      await expect(misuse).rejects.not.toBeInstanceOf(IdempotencyProblemError);
      expect(server.charges).toHaveLength(1);
    } finally {
      log.mockRestore();
    }
  });

  it('examples/axios.ts: axios through the client, the same recovery', async () => {
    const result = await withAxios(server.proxy.url, 'order-2', 2000);
    expect(server.proxy.lost).toEqual([0]);
    expect(result).toEqual({ charge: { id: 'ch_1', amount: 2000 }, replayed: true });
    expect(server.charges).toHaveLength(1);
  });

  it('examples/ky.ts: ky through the client, the same recovery', async () => {
    const result = await withKy(server.proxy.url, 'order-3', 3000);
    expect(server.proxy.lost).toEqual([0]);
    expect(result).toEqual({ charge: { id: 'ch_1', amount: 3000 }, replayed: true });
    expect(server.charges).toHaveLength(1);
  });
});
