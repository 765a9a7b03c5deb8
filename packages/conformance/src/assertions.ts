import assert from 'node:assert/strict';
import {
  type AcquireResult,
  type CompletedRecord,
  type InProgressRecord,
  isOncelyError,
  type StoreRecord,
} from '@oncely/core';

/** Byte-exact comparison that accepts any Uint8Array (a Buffer included) and says where it differs. */
export function assertBytes(actual: unknown, expected: Uint8Array, what: string): void {
  assert.ok(
    actual instanceof Uint8Array,
    `${what}: expected a Uint8Array, got ${describe(actual)}`,
  );
  assert.equal(
    actual.byteLength,
    expected.byteLength,
    `${what}: expected ${expected.byteLength} bytes, got ${actual.byteLength}`,
  );
  for (let index = 0; index < expected.byteLength; index++) {
    if (actual[index] !== expected[index]) {
      assert.fail(
        `${what}: byte ${index} is 0x${hex(actual[index])}, expected 0x${hex(expected[index])}`,
      );
    }
  }
}

export interface ExpectedInProgress {
  fingerprint: string;
  fence: number;
  /** The lease the owner holds; the record must show some of it left (at most all of it). */
  liveLeaseMs?: number;
  /** The lease has lapsed: the record must show `leaseRemainingMs: 0`. */
  lapsed?: boolean;
}

export function assertInProgress(
  record: StoreRecord | undefined,
  expected: ExpectedInProgress,
  what: string,
): asserts record is InProgressRecord {
  assert.ok(record, `${what}: expected an in-progress record, got ${describe(record)}`);
  assert.equal(record.state, 'in_progress', `${what}: record state`);
  assert.equal(record.fingerprint, expected.fingerprint, `${what}: record fingerprint`);
  assert.equal(record.fence, expected.fence, `${what}: record fence`);
  assert.equal(typeof record.leaseRemainingMs, 'number', `${what}: leaseRemainingMs is a number`);
  if (expected.liveLeaseMs !== undefined) {
    assert.ok(
      record.leaseRemainingMs > 0 && record.leaseRemainingMs <= expected.liveLeaseMs,
      `${what}: leaseRemainingMs must be in (0, ${expected.liveLeaseMs}], got ${record.leaseRemainingMs}`,
    );
  }
  if (expected.lapsed) {
    assert.equal(record.leaseRemainingMs, 0, `${what}: a lapsed lease shows leaseRemainingMs 0`);
  }
}

export interface ExpectedCompleted {
  fingerprint: string;
  fence: number;
  result: Uint8Array;
  /** The ttl given to `complete`; the record must show some of it left (at most all of it). */
  ttlMs?: number;
}

export function assertCompleted(
  record: StoreRecord | undefined,
  expected: ExpectedCompleted,
  what: string,
): asserts record is CompletedRecord {
  assert.ok(record, `${what}: expected a completed record, got ${describe(record)}`);
  assert.equal(record.state, 'completed', `${what}: record state`);
  assert.equal(record.fingerprint, expected.fingerprint, `${what}: record fingerprint`);
  assert.equal(record.fence, expected.fence, `${what}: record fence`);
  assertBytes(record.result, expected.result, `${what}: record result`);
  if (expected.ttlMs !== undefined) {
    assert.ok(
      record.ttlRemainingMs > 0 && record.ttlRemainingMs <= expected.ttlMs,
      `${what}: ttlRemainingMs must be in (0, ${expected.ttlMs}], got ${record.ttlRemainingMs}`,
    );
  }
}

/** The acquire lost; returns the record it carried. */
export function assertLost(result: AcquireResult, what: string): StoreRecord {
  assert.equal(result.acquired, false, `${what}: acquire must not win`);
  if (result.acquired) throw new Error('unreachable');
  assert.ok(result.record, `${what}: a lost acquire must carry the current record`);
  return result.record;
}

/** The acquire won; returns its fence, checked to be a positive safe integer. */
export function assertWon(result: AcquireResult, what: string): number {
  assert.equal(
    result.acquired,
    true,
    `${what}: acquire must win, got ${result.acquired ? '' : describe(result.record)}`,
  );
  if (!result.acquired) throw new Error('unreachable');
  assertFence(result.fence, what);
  return result.fence;
}

export function assertFence(fence: unknown, what: string): asserts fence is number {
  assert.ok(
    typeof fence === 'number' && Number.isSafeInteger(fence) && fence >= 1,
    `${what}: a fence is a positive safe integer, got ${describe(fence)}`,
  );
}

/**
 * The promise rejects with `ResultTooLargeError`, recognised by its brand: a store loaded with
 * another copy of `@oncely/core` (ESM and CJS side by side, or another version) throws that
 * copy's class, which the engine recognises the same way. A look-alike with the right name
 * and code but no brand is refused, as the engine would refuse it.
 */
export async function assertTooLarge(promise: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(
    promise,
    (error: unknown) => isOncelyError(error, 'result-too-large'),
    `${what}: expected ResultTooLargeError`,
  );
}

function hex(value: number | undefined): string {
  return value === undefined ? '--' : value.toString(16).padStart(2, '0');
}

/** A short description of a value for failure messages (results shown by length, not content). */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === 'object' && value !== null) {
    // Shallow-copy so a Buffer field is shown by length (its toJSON would list every byte).
    const shown: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      shown[key] = inner instanceof Uint8Array ? `<${inner.byteLength} bytes>` : inner;
    }
    return safeJson(shown);
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
