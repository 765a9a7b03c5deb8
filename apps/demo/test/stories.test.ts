import { describe, expect, it } from 'vitest';
import { runStories } from '../src/stories.js';

describe('the demo stories report what really happened', () => {
  it('charges exactly once in every story', async () => {
    const results = await runStories();
    const charges = Object.fromEntries(results.map((r) => [r.title, r.charges]));
    expect(charges).toEqual({
      'A retry after a lost response': 1,
      'A double click: 20 concurrent requests, one key': 1,
      'The same key with a different amount': 1,
      'The provider fails, the client retries': 1,
      // The frozen worker wakes after the takeover; the fence it passes is refused downstream.
      'A worker freezes mid-charge; the retry takes over after its lease': 1,
    });
    const text = results.flatMap((r) => r.lines).join('\n');
    expect(text).not.toContain('wrong!');
    expect(text).toContain('distinct charge ids returned: 1');
  });
});
