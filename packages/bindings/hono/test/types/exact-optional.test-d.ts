// Compiled by `pnpm typecheck` with exactOptionalPropertyTypes (tsconfig.exact-optional.json),
// never run: an optional option given as a value that may be `undefined` means "not given".
import { MemoryStore } from '@oncely/memory';
import { idempotency } from '../../src/index.js';

declare const maybe: <T>() => T | undefined;

idempotency({
  store: new MemoryStore(),
  header: maybe<string>(),
  required: maybe<boolean>(),
  scope: undefined,
  methods: maybe<string[]>(),
  lease: maybe<string>(),
  contentDecoders: undefined,
  storeTimeout: maybe<number>(),
});
