import { randomUUID } from 'node:crypto';
import { createIdempotency, type Store } from '@oncely/core';

/**
 * Keys that UTF-8 cannot tell apart: every lone surrogate becomes U+FFFD on the way to bytes.
 * Short ones (as a store key holds them raw) and long ones past the lengths at which stores
 * and the engine switch to a hash (1024-character scopes, DynamoDB's 2048-byte keys).
 */
export function loneSurrogateKeys(prefix: string): string[] {
  const tails = ['\uD800', '\uD801', '\uDC00', '\uFFFD', '\uD800\uD800', '\uD83D\uDE00'];
  const bases = ['', 'A'.repeat(1025), 'é'.repeat(1100)];
  return bases.flatMap((base) => tails.map((tail) => `${prefix}${base}${tail}`));
}

/**
 * Acquires every key with its own fingerprint, then reads each back: a key that lost its
 * acquire or reads another key's record shares a stored key with it. Returns those keys,
 * escaped so a failure message shows them; empty when every key is its own record.
 */
export async function keysSharingARecord(store: Store, keys: string[]): Promise<string[]> {
  const merged: string[] = [];
  for (const [i, key] of keys.entries()) {
    const fingerprint = `fingerprint-${i}`;
    const won = await store.acquire({
      key,
      fingerprint,
      token: `t${i}`,
      leaseMs: 60_000,
      ttlMs: 60_000,
    });
    if (!won.acquired) merged.push(`${shown(key)} (acquire lost)`);
  }
  for (const [i, key] of keys.entries()) {
    const record = await store.get(key);
    if (record?.fingerprint !== `fingerprint-${i}`)
      merged.push(`${shown(key)} (reads another record)`);
  }
  return merged;
}

/**
 * Runs one operation per scope through the engine, all with the same idempotency key: every
 * scope is another tenant and must run its own. Returns the scopes that were answered with
 * another tenant's result (escaped); empty when none was.
 */
export async function scopesAnsweredForAnother(store: Store): Promise<string[]> {
  const engine = createIdempotency({ store });
  const key = `k-${randomUUID()}`;
  const wrong: string[] = [];
  for (const [i, scope] of loneSurrogateKeys('').entries()) {
    const outcome = await engine.run({ key, scope }, () => i);
    if (outcome.status !== 'executed' || outcome.value !== i) wrong.push(shown(scope));
  }
  return wrong;
}

function shown(key: string): string {
  const short = key.length > 40 ? `${key.slice(0, 12)}…(${key.length})…${key.slice(-4)}` : key;
  return JSON.stringify(short).replace(
    /[\uD800-\uDFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}
