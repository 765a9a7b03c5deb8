import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { send } from '../client.js';
import type { HttpScenarioTarget } from '../run.js';
import { problemType, seamStarter, until } from './start.js';

const DOCS = 'https://docs.example.com/errors/';

/**
 * Issue 13, point 8: problems can go through the app's own error handling, and their `type`
 * can point at the app's own documentation.
 */
export function problemsRouting(target: HttpScenarioTarget): void {
  describe("problems through the app's own error handling", () => {
    const start = seamStarter(target);

    it('problems: "throw" hands 400 and 422 to the app’s error handler, with the configured type base', async () => {
      const server = await start(
        { appErrorHandler: true },
        { problems: 'throw', problemTypeBase: DOCS },
      );
      const invalid = await send(server.url('/r/order'), { key: '"unterminated', body: { a: 1 } });
      expect(invalid.status).toBe(400);
      expect(invalid.headers.get('x-app-error')).toBe('1');
      expect(invalid.json()).toEqual({ appError: 'invalid-key', type: `${DOCS}invalid-key` });
      const key = randomUUID();
      expect((await send(server.url('/r/order'), { key, body: { a: 1 } })).status).toBe(201);
      const reused = await send(server.url('/r/order'), { key, body: { a: 2 } });
      expect(reused.status).toBe(422);
      expect(reused.headers.get('x-app-error')).toBe('1');
      expect(reused.json()).toEqual({
        appError: 'fingerprint-mismatch',
        type: `${DOCS}fingerprint-mismatch`,
      });
      expect(server.app.calls('order')).toBe(1);
    });

    it('a 409 through the app’s error handler keeps its Retry-After', async () => {
      const server = await start({ appErrorHandler: true }, { problems: 'throw' });
      const key = randomUUID();
      const first = send(server.url('/r/order?delay=800'), { key, body: { a: 1 } });
      await until(() => server.app.calls('order') > 0);
      const busy = await send(server.url('/r/order?delay=800'), { key, body: { a: 1 } });
      expect(busy.status).toBe(409);
      expect(busy.headers.get('x-app-error')).toBe('1');
      expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await first).status).toBe(201);
    });

    it('the problem type base is configurable when the binding sends problems itself', async () => {
      const server = await start({}, { problemTypeBase: DOCS, required: true });
      const missing = await send(server.url('/r/order'), { body: { a: 1 } });
      expect(missing.status).toBe(400);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(missing.json()).toMatchObject({ type: problemType('missing-key', DOCS), status: 400 });
    });
  });
}
