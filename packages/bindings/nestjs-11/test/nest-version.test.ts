import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// What the injected @oncely/nestjs resolves its peers to, as in an app on Nest 11.
const fromBinding = createRequire(require.resolve('@oncely/nestjs'));

describe('the Nest the binding tests run on', () => {
  it.each(['common', 'core', 'platform-express', 'platform-fastify'])(
    '@nestjs/%s is 11.x',
    (name) => {
      expect(require(`@nestjs/${name}/package.json`).version).toMatch(/^11\./);
    },
  );

  it.each(['common', 'core'])('@oncely/nestjs gets this @nestjs/%s as its peer', (name) => {
    const manifest = `@nestjs/${name}/package.json`;
    expect(fromBinding.resolve(manifest)).toBe(require.resolve(manifest));
  });
});
