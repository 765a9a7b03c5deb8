import assert from 'node:assert/strict';
import type { Store, StoreCapabilities } from '@oncely/core';
import { assertCompleted, assertWon } from '../assertions.js';
import type { CheckName } from '../check-names.js';
import type { CheckContext } from '../context.js';

export interface Check {
  /**
   * Why this check cannot apply to a store that declares these capabilities, or undefined
   * when it applies. This is the only way a check is skipped.
   */
  skipReason?(capabilities: StoreCapabilities): string | undefined;
  run(context: CheckContext): Promise<void>;
}

export type CheckGroup = Partial<Record<CheckName, Check>>;

/** An acquisition the check holds: what it needs to act as the owner. */
export interface Owner {
  key: string;
  fingerprint: string;
  token: string;
  fence: number;
}

export interface AcquireOptions {
  fingerprint?: string;
  leaseMs?: number;
  ttlMs?: number;
  store?: Store;
}

/** Acquires `key` and asserts the acquire won. Lease and retention default to `longMs`. */
export async function acquireOwner(
  context: CheckContext,
  key: string,
  options: AcquireOptions = {},
  what = 'acquire',
): Promise<Owner> {
  const store = options.store ?? context.store;
  const fingerprint = options.fingerprint ?? context.fingerprint();
  const token = context.token();
  const result = await store.acquire({
    key,
    fingerprint,
    token,
    leaseMs: options.leaseMs ?? context.longMs,
    ttlMs: options.ttlMs ?? context.longMs,
  });
  const fence = assertWon(result, what);
  return { key, fingerprint, token, fence };
}

/** The owner identity that `complete`, `release` and `extend` take. */
export function owned(owner: Owner): { key: string; token: string; fence: number } {
  return { key: owner.key, token: owner.token, fence: owner.fence };
}

/** The owner stores `result` for a long TTL; the store must accept it. */
export async function completeAsOwner(
  context: CheckContext,
  owner: Owner,
  result: Uint8Array,
  what = 'the owner completes',
): Promise<void> {
  assert.equal(
    await context.store.complete({ ...owned(owner), result, ttlMs: context.longMs }),
    true,
    what,
  );
}

/** Read the key back: it must be the owner's completed record holding exactly `result`. */
export async function expectOwnerCompleted(
  context: CheckContext,
  owner: Owner,
  result: Uint8Array,
  what: string,
): Promise<void> {
  assertCompleted(
    await context.store.get(owner.key),
    { fingerprint: owner.fingerprint, fence: owner.fence, result },
    what,
  );
}
