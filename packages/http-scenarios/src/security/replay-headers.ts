import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PER_CLIENT_DATE } from '../app.js';
import { exchange, headerValues, type RawAnswer } from '../raw-http.js';
import type { Servers } from './context.js';

/** Never replayed, whatever the options: connection-level, framing, proxy, Connection-named. */
const NEVER = ['x-conn-scoped', 'proxy-authenticate', 'proxy-x-hint', 'upgrade'];
/** Not replayed unless listed in `replayHeaders`. */
const PER_RESPONSE = ['set-cookie', 'age', 'server-timing', 'retry-after'];
/** Part of the result: always replayed, exactly. */
const RESULT = ['x-order-number', 'x-run', 'cache-control', 'content-type'];

async function firstAndReplay(base: string): Promise<[RawAnswer, RawAnswer]> {
  const request = {
    method: 'POST',
    path: '/r/per-client',
    headers: [['Idempotency-Key', randomUUID()] as const],
  };
  const first = await exchange(base, request);
  const replay = await exchange(base, request);
  return [first, replay];
}

/** What the handler set reached the client the first time (the test's own precondition). */
function expectHandlerHeaders(first: RawAnswer): void {
  expect(first.status).toBe(201);
  expect(headerValues(first, 'set-cookie')).toHaveLength(2);
  expect(headerValues(first, 'date')).toEqual([PER_CLIENT_DATE]);
  expect(headerValues(first, 'x-conn-scoped')).toHaveLength(1);
}

function expectReplayBasics(first: RawAnswer, replay: RawAnswer): void {
  expect(replay.status).toBe(201);
  expect(headerValues(replay, 'idempotent-replayed')).toEqual(['true']);
  expect(replay.body.equals(first.body)).toBe(true);
  expect(headerValues(replay, 'content-length')).toEqual([String(replay.body.byteLength)]);
  for (const name of RESULT)
    expect(headerValues(replay, name), name).toEqual(headerValues(first, name));
  for (const name of NEVER) expect(headerValues(replay, name), name).toEqual([]);
  // What node writes itself for this connection may be there, never the handler's values.
  expect(headerValues(replay, 'keep-alive')).not.toContain('timeout=999');
  for (const value of headerValues(replay, 'connection'))
    expect(value).not.toMatch(/x-conn-scoped/i);
}

export function replayHeaders(servers: Servers): void {
  describe('a replay never carries per-client headers unless allowed', () => {
    it('by default: no Set-Cookie, Date, Age, Server-Timing, Retry-After, hop-by-hop or Connection-named header', async () => {
      const server = await servers.start();
      const [first, replay] = await firstAndReplay(server.base);
      expectHandlerHeaders(first);
      expectReplayBasics(first, replay);
      for (const name of PER_RESPONSE) expect(headerValues(replay, name), name).toEqual([]);
      // A Date may be there, but it is the server's own for this answer, not the stored one.
      expect(headerValues(replay, 'date')).not.toContain(PER_CLIENT_DATE);
      expect(server.app.calls('per-client')).toBe(1);
    });

    it('when allowed through replayHeaders they are replayed exactly; hop-by-hop still never', async () => {
      const server = await servers.start({
        replayHeaders: ['Set-Cookie', 'date', 'age', 'server-timing', 'retry-after'],
      });
      const [first, replay] = await firstAndReplay(server.base);
      expectHandlerHeaders(first);
      expectReplayBasics(first, replay);
      for (const name of [...PER_RESPONSE, 'date']) {
        expect(headerValues(replay, name), name).toEqual(headerValues(first, name));
      }
    });

    it.each([
      'Connection',
      'keep-alive',
      'Transfer-Encoding',
      'upgrade',
      'proxy-authorization',
      'content-length',
    ])('replayHeaders refuses %s at start-up', async (name) => {
      await expect(servers.start({ replayHeaders: [name] })).rejects.toMatchObject({
        field: 'replayHeaders',
      });
    });
  });
}
