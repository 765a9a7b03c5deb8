// Compiled by `pnpm typecheck` with exactOptionalPropertyTypes (tsconfig.exact-optional.json),
// never run: an optional option given as a value that may be `undefined` means "not given".
import type { Idempotency } from '@oncely/core';
import { type PgPool, PostgresStore, runTransactional } from '../../src/index.js';

declare const pool: PgPool;
declare const idempotency: Idempotency;
declare const maybe: <T>() => T | undefined;

const store = new PostgresStore({
  pool,
  schema: maybe<string>(),
  table: maybe<string>(),
  maxResultBytes: maybe<number>(),
});
await store.purgeExpired({ batchSize: maybe<number>(), maxBatches: maybe<number>() });
await runTransactional(
  idempotency,
  { key: 'k', scope: maybe<string>(), pool: undefined, isolation: undefined },
  async () => 1,
);
