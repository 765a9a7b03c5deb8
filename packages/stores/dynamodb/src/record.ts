import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { StoreRecord } from '@oncely/core';
import { ATTRIBUTE, STATE } from './attributes.js';
import { decodeResult } from './compression.js';

export type Item = Record<string, AttributeValue>;

/**
 * The record as `get` returns it, measured against `now` (the caller's clock): undefined when
 * there is no item, it is released, or its exact expiry has passed, whether or not DynamoDB's
 * TTL has deleted it yet.
 */
export async function toStoreRecord(
  item: Item | undefined,
  now: number,
  maxResultBytes: number,
): Promise<StoreRecord | undefined> {
  if (item === undefined) return undefined;
  const expiresAtMs = numberOf(item, ATTRIBUTE.expiresAtMs);
  if (expiresAtMs <= now) return undefined;
  const state = stringOf(item, ATTRIBUTE.state);
  const fingerprint = stringOf(item, ATTRIBUTE.fingerprint);
  const fence = numberOf(item, ATTRIBUTE.fence);
  if (state === STATE.inProgress) {
    // A lease never outlives its record: the record (and the key's binding) ends first.
    const leaseEnd = Math.min(numberOf(item, ATTRIBUTE.leaseExpiresAtMs), expiresAtMs);
    return {
      state: 'in_progress',
      fingerprint,
      fence,
      leaseRemainingMs: Math.max(0, leaseEnd - now),
    };
  }
  if (state === STATE.completed) {
    const stored = item[ATTRIBUTE.result]?.B;
    if (stored === undefined) throw malformed(ATTRIBUTE.result);
    const encoding = item[ATTRIBUTE.resultEncoding]?.S;
    const result = await decodeResult(stored, encoding, maxResultBytes);
    return { state: 'completed', fingerprint, fence, result, ttlRemainingMs: expiresAtMs - now };
  }
  if (state === STATE.released) return undefined;
  throw malformed(ATTRIBUTE.state);
}

/** The fence an item holds (acquire reads it back from the written attributes). */
export function fenceOf(item: Item | undefined): number {
  return numberOf(item ?? {}, ATTRIBUTE.fence);
}

function numberOf(item: Item, name: string): number {
  const text = item[name]?.N;
  const value = text === undefined ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw malformed(name);
  return value;
}

function stringOf(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw malformed(name);
  return value;
}

function malformed(name: string): Error {
  return new Error(
    `oncely: a DynamoDB item has no valid "${name}" attribute; was it written by another program?`,
  );
}
