import { InvalidArgumentError } from '@oncely/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';

const MiB = 1024 * 1024;

async function completeWith(store: MemoryStore, key: string, bytes: number): Promise<void> {
  const won = await store.acquire({
    key,
    fingerprint: 'fp',
    token: 't',
    leaseMs: 60_000,
    ttlMs: 60_000,
  });
  if (!won.acquired) throw new Error(`expected to win ${key}`);
  await store.complete({
    key,
    token: 't',
    fence: won.fence,
    result: new Uint8Array(bytes),
    ttlMs: 60_000,
  });
}

describe('MemoryStore is bounded by bytes without being asked', () => {
  it('keeps at most 64 MiB of completed records with the default options', async () => {
    const store = new MemoryStore();
    // 20 results of the largest default size would be 160 MiB.
    for (let i = 0; i < 20; i++) await completeWith(store, `big-${i}`, 8 * MiB);
    const stats = store.stats();
    expect(stats.settledBytes).toBeLessThanOrEqual(64 * MiB);
    expect(stats.settled).toBeLessThan(20);
    expect(stats.evictions).toBe(20 - stats.settled);
    expect(await store.get('big-19')).toMatchObject({ state: 'completed' });
  });

  it('refuses a maxResultBytes above the default maxBytes, saying to raise maxBytes', () => {
    const attempt = () => new MemoryStore({ maxResultBytes: 100 * MiB });
    expect(attempt).toThrowError(InvalidArgumentError);
    expect(attempt).toThrowError(/maxResultBytes: cannot exceed maxBytes \(67108864, the default/);
    expect(
      new MemoryStore({ maxResultBytes: 100 * MiB, maxBytes: 200 * MiB }).capabilities
        .maxResultBytes,
    ).toBe(100 * MiB);
  });
});
