// Compiled by `pnpm typecheck` with exactOptionalPropertyTypes (tsconfig.exact-optional.json),
// never run: an optional option given as a value that may be `undefined` means "not given".
import { MemoryStore } from '@oncely/memory';
import Fastify from 'fastify';
import { idempotency, idempotencyAttempt } from '../../src/index.js';

declare const maybe: <T>() => T | undefined;

const app = Fastify({ http2: true });
// Inline: Fastify's own RegisterOptions declares `prefix?: string` (its route prefix), so an
// object typed as FastifyIdempotencyOptions with `prefix: undefined` is Fastify's to refuse.
await app.register(idempotency, {
  store: new MemoryStore(),
  routes: maybe<'all' | 'opt-in'>(),
  header: maybe<string>(),
  required: maybe<boolean>(),
  scope: undefined,
  lease: maybe<string>(),
  maxRunTime: maybe<string>(),
});
app.post('/charges', { config: { idempotency: maybe<boolean>() } }, async (request) => ({
  fence: idempotencyAttempt(request)?.fence,
}));
