import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';

// Completed records are kept as one latin1 string; a fingerprint or token with wider
// characters is stored by its UTF-16 code units. These are the cases that take that path.
const WIDE = [
  ['latin1 only', 'fp-\u00e9\u00ff', 'token-\u00e0'],
  ['CJK and emoji', '指纹-🔑', 'トークン-✓'],
  ['lone surrogates', 'fp-\ud800-\udfff', 'tok-\udbff'],
] as const;

describe('MemoryStore keeps fingerprints and tokens exactly, whatever their characters', () => {
  it.each(WIDE)(
    '%s: get returns the fingerprint, the same owner can complete again, another token cannot',
    async (_, fingerprint, token) => {
      const store = new MemoryStore();
      const won = await store.acquire({
        key: 'k',
        fingerprint,
        token,
        leaseMs: 60_000,
        ttlMs: 60_000,
      });
      if (!won.acquired) throw new Error('expected a win');
      const owner = { key: 'k', token, fence: won.fence, ttlMs: 60_000 };
      expect(await store.complete({ ...owner, result: new Uint8Array([1, 2]) })).toBe(true);
      expect(await store.get('k')).toMatchObject({
        state: 'completed',
        fingerprint,
        fence: won.fence,
      });
      expect(
        await store.complete({ ...owner, token: `${token}x`, result: new Uint8Array([9]) }),
      ).toBe(false);
      expect(await store.complete({ ...owner, result: new Uint8Array([3]) })).toBe(true);
      const record = await store.get('k');
      expect(record?.state === 'completed' && [...record.result]).toEqual([3]);
      const again = await store.acquire({
        key: 'k',
        fingerprint,
        token: 'other',
        leaseMs: 1,
        ttlMs: 1,
      });
      expect(again).toMatchObject({ acquired: false, record: { state: 'completed', fingerprint } });
    },
  );
});
