import { describe, expect, it } from 'vitest';
import { createIdempotency } from '../src/index.js';
import { MemoryStore } from './support/memory.js';

// A scope often comes from a JSON claim or a header, and JSON may carry lone surrogates.
describe('scopes that differ only in a lone surrogate are different tenants', () => {
  it.each([
    ['short', ''],
    ['over 1024 characters (stored as a hash)', 'A'.repeat(1025)],
  ])('%s: each tenant runs its own operation, none replays another tenant', async (_, base) => {
    const engine = createIdempotency({ store: new MemoryStore() });
    const tails = ['\uD800', '\uD801', '\uFFFD', '\uDC00'];
    const outcomes = [];
    for (const tail of tails) {
      outcomes.push(await engine.run({ key: 'k', scope: base + tail }, () => tail));
    }
    expect(outcomes.map((o) => [o.status, o.value])).toEqual(tails.map((t) => ['executed', t]));
    const again = await engine.run({ key: 'k', scope: `${base}\uD801` }, () => 'never');
    expect([again.status, again.value]).toEqual(['replayed', '\uD801']);
  });
});
