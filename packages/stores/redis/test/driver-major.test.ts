import driver from 'ioredis/package.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';

// The suite runs once per supported ioredis major (vitest.config.ts): this proves that each
// run's `ioredis` really is the major it is named after, not the one installed as `ioredis`.
describe('the ioredis major under test', () => {
  it('is the one this run is named after', () => {
    expect(process.env.ONCELY_IOREDIS_MAJOR).toMatch(/^\d+$/);
    expect(driver.version.split('.')[0]).toBe(process.env.ONCELY_IOREDIS_MAJOR);
  });
});
