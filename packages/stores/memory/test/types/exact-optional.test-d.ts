// Compiled by `pnpm typecheck` with exactOptionalPropertyTypes (tsconfig.exact-optional.json),
// never run: an optional option given as a value that may be `undefined` means "not given".
import { MemoryStore } from '../../src/index.js';

declare const maybe: <T>() => T | undefined;

new MemoryStore({
  maxEntries: maybe<number>(),
  maxBytes: maybe<number>(),
  maxInProgress: maybe<number>(),
  maxResultBytes: maybe<number>(),
});
// @ts-expect-error: a bound is a number
new MemoryStore({ maxBytes: '1MB' });
