import { Writable } from 'node:stream';
import { MemoryStore } from '@oncely/memory';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type FastifyIdempotencyOptions, idempotency } from '../src/index.js';

type Line = { level: number; reqId?: string; msg: string; oncely?: Record<string, unknown> };

async function app(options: Partial<FastifyIdempotencyOptions>) {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const server = Fastify({ logger: { level: 'debug', stream } });
  await server.register(idempotency, { store: new MemoryStore(), ...options });
  server.post('/orders/:id', async (_request, reply) => reply.code(201).send({ ok: true }));
  const post = () =>
    server.inject({
      method: 'POST',
      url: '/orders/7',
      headers: { 'idempotency-key': 'secret-key-1' },
      payload: { amount: 1 },
    });
  return { server, lines, post };
}

describe('logging', () => {
  it('logs through request.log by default: the line has reqId and the route pattern', async () => {
    const { server, lines, post } = await app({});
    await post();
    await post();
    const ours = lines.filter((line) => line.oncely);
    expect(ours.map((line) => [line.level, line.oncely?.outcome])).toEqual([
      [20, 'executed'],
      [20, 'replayed'],
    ]);
    for (const line of ours) {
      expect(line.reqId).toBeDefined();
      expect(line.oncely).toMatchObject({
        route: '/orders/:id',
        method: 'POST',
        requestId: line.reqId,
      });
    }
    expect(JSON.stringify(lines)).not.toContain('secret-key-1');
    await server.close();
  });

  it('logger: false turns it off', async () => {
    const { server, lines, post } = await app({ logger: false });
    await post();
    expect(lines.filter((line) => line.oncely)).toEqual([]);
    await server.close();
  });
});
