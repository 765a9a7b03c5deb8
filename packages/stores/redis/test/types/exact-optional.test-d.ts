// Compiled by `pnpm typecheck` with exactOptionalPropertyTypes (tsconfig.exact-optional.json),
// never run: an optional option given as a value that may be `undefined` means "not given".
import type { Redis } from 'ioredis';
import { RedisStore } from '../../src/index.js';

declare const client: Redis;
declare const maybe: <T>() => T | undefined;

new RedisStore({
  client,
  prefix: maybe<string>(),
  maxResultBytes: maybe<number>(),
  readyTimeout: maybe<string>(),
  checkEvictionPolicy: maybe<boolean>(),
  onWarning: undefined,
});
// @ts-expect-error: the client is required
new RedisStore({ client: undefined });
