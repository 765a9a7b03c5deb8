import type { AddressInfo } from 'node:net';
import { MemoryStore } from '@oncely/memory';
import { until } from '@oncely/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idempotency } from '../src/index.js';

// A hijacked reply bypasses onSend, so there is nothing to store: its key must be released
// when the connection closes, not held (and heartbeated) for ever.
const server = Fastify();
let runs = 0;
let url: string;

beforeAll(async () => {
  await server.register(idempotency, { store: new MemoryStore(), lease: '10s' });
  server.post('/hijacked', (_request, reply) => {
    runs++;
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    reply.raw.end(`raw run ${runs}`);
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

it('a hijacked reply is sent as written and its key is released for the next attempt', async () => {
  const post = () =>
    fetch(`${url}/hijacked`, { method: 'POST', headers: { 'idempotency-key': 'hijack-1' } });
  const first = await post();
  expect(await first.text()).toBe('raw run 1');
  let second = await post();
  // The release happens when the first connection closes: retry until it has.
  await until(async () => {
    if (second.status === 409) second = await post();
    return second.status !== 409;
  }, 'the key released when the hijacked connection closed');
  expect(await second.text()).toBe('raw run 2');
  expect(second.headers.get('idempotent-replayed')).toBeNull();
});
