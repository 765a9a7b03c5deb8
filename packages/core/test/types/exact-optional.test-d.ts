// Compiled by `pnpm typecheck` with exactOptionalPropertyTypes (tsconfig.exact-optional.json),
// never run. Under that flag `field?: T` refuses an explicit `undefined`; every optional field
// of ours means "not given" by `undefined`, so a value that may be undefined must be accepted.
import { expectTypeOf } from 'vitest';
import {
  createHttpIdempotency,
  createIdempotency,
  type HttpIdempotencyOptions,
  type IdempotencyOptions,
  type RunOptions,
  type Store,
} from '../../src/index.js';

declare const store: Store;
declare const maybe: <T>() => T | undefined;

const engine = createIdempotency({
  store,
  ttl: maybe<string>(),
  lease: maybe<number>(),
  heartbeat: maybe<boolean>(),
  wait: maybe<string>(),
  prefix: maybe<string>(),
  maxRunTime: maybe<string>(),
  storeTimeout: maybe<string>(),
  codec: undefined,
  onEvent: undefined,
});

const tenant: string | undefined = maybe<string>();
await engine.run({ key: 'k', scope: tenant }, () => 1);
await engine.run(
  {
    key: 'k',
    scope: undefined,
    request: undefined,
    fingerprint: maybe<string>(),
    wait: maybe<boolean>(),
    shouldStore: undefined,
    complete: undefined,
    codec: undefined,
  },
  () => 1,
);

createHttpIdempotency({
  store,
  header: maybe<string>(),
  required: maybe<boolean>(),
  scope: undefined,
  methods: maybe<string[]>(),
  maxBodyBytes: maybe<number>(),
  shouldStore: undefined,
  replayHeaders: undefined,
  fingerprint: undefined,
});

// Still typed: a wrong type is refused, undefined or not.
// @ts-expect-error: scope is a string
await engine.run({ key: 'k', scope: 42 }, () => 1);
// @ts-expect-error: lease is a duration
createIdempotency({ store, lease: true });

expectTypeOf<RunOptions<number>['scope']>().toEqualTypeOf<string | undefined>();
expectTypeOf<IdempotencyOptions['maxRunTime']>().toEqualTypeOf<string | number | undefined>();
expectTypeOf<HttpIdempotencyOptions['header']>().toEqualTypeOf<string | undefined>();
