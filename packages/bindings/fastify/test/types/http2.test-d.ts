// Compiled by `pnpm typecheck` (never run): the attempt is reachable from a route handler of
// an HTTP/2 server as from an HTTP/1 one, with route-typed requests too.

import type { RunContext } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import Fastify, { type FastifyRequest } from 'fastify';
import { expectTypeOf } from 'vitest';
import { idempotency, idempotencyAttempt } from '../../src/index.js';

const http2 = Fastify({ http2: true });
await http2.register(idempotency, { store: new MemoryStore() });
http2.post('/charges', async (request) => {
  const attempt = idempotencyAttempt(request);
  expectTypeOf(attempt).toEqualTypeOf<RunContext | undefined>();
  return { fence: attempt?.fence ?? null };
});

const secure = Fastify({ http2: true, https: { allowHTTP1: true } });
secure.post('/charges', async (request) => ({ fence: idempotencyAttempt(request)?.fence }));

const http1 = Fastify();
http1.post<{ Body: { amount: number } }>('/charges', async (request) => {
  expectTypeOf(idempotencyAttempt(request)).toEqualTypeOf<RunContext | undefined>();
  return { amount: request.body.amount };
});

declare const plain: FastifyRequest;
expectTypeOf(idempotencyAttempt(plain)).toEqualTypeOf<RunContext | undefined>();
// @ts-expect-error: not a request
idempotencyAttempt('request');
