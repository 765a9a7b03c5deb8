import { expectReadmeChargeExample, send, signToken } from '@oncely/http-scenarios';
import { describe, expect, it, vi } from 'vitest';
import { listenOn } from './server.js';

for (const platform of ['express', 'fastify'] as const) {
  describe(`the README example on nest's ${platform} platform`, () => {
    it('charges once per customer, replays the retry, and leaves the unmarked route alone', async () => {
      // A fresh copy of the example (its own store and charges) for each platform.
      vi.resetModules();
      const { AppModule, charges, jwtSecret } = await import('../examples/app.js');
      const server = await listenOn(platform, AppModule);
      try {
        await expectReadmeChargeExample(server.url, charges, {
          alice: signToken('alice', 0, jwtSecret),
          bob: signToken('bob', 0, jwtSecret),
        });
        const ping = await send(`${server.url}/ping`, {
          body: {},
          headers: { authorization: `Bearer ${signToken('alice', 0, jwtSecret)}` },
        });
        expect(ping.status).toBe(201);
        expect(ping.json()).toEqual({ pong: true });
      } finally {
        await server.close();
      }
    });
  });
}
