import { randomUUID } from 'node:crypto';
import { hashKey, type OncelyEvent, requestFingerprint } from '@oncely/core';
import { until } from '@oncely/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Reply, send } from '../client.js';
import type { Servers } from './context.js';
import { RecordingStore } from './recording-store.js';

const CONSOLE = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Everything in `value` as text, with what JSON.stringify would drop or hide spelled out: an
 * error's name, message, stack, cause and own fields; bytes as latin1 text (so a key inside a
 * byte array still shows); bigints.
 */
export function reveal(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, name, plain) {
    const raw = this[name];
    if (raw instanceof Error) {
      return { ...raw, name: raw.name, message: raw.message, stack: raw.stack, cause: raw.cause };
    }
    if (raw instanceof Uint8Array) {
      return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
    }
    if (typeof raw === 'bigint') return raw.toString();
    return plain;
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function secrecy(servers: Servers): void {
  describe('keys, fingerprints and scopes never appear raw in events, logs or problem bodies', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('across a whole lifecycle with every error path', async () => {
      const events: OncelyEvent[] = [];
      const logged: unknown[][] = [];
      for (const method of CONSOLE) {
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          logged.push(args);
        });
      }
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);

      const tenant = `tenant-secret-${randomUUID()}`;
      const headers = { 'x-tenant': tenant };
      const options = {
        scope: (request: { headers: Record<string, unknown> }) =>
          String(request.headers['x-tenant']),
        onEvent: (event: OncelyEvent) => events.push(event),
      };
      const store = new RecordingStore();
      const server = await servers.start(options, store);
      const keys: string[] = [];
      const newKey = () => {
        const key = `key-secret-${randomUUID()}`;
        keys.push(key);
        return key;
      };
      const replies: Reply[] = [];
      const post = async (path: string, key: string, body: unknown = { amount: 1 }) => {
        const reply = await send(server.url(path), { key, body, headers });
        replies.push(reply);
        return reply;
      };

      // Stored, replayed, reused with another body (422).
      const k1 = newKey();
      expect((await post('/r/order', k1)).status).toBe(201);
      expect((await post('/r/order', k1)).headers.get('idempotent-replayed')).toBe('true');
      expect((await post('/r/order', k1, { amount: 2 })).status).toBe(422);
      // Still running (409).
      const k2 = newKey();
      const finishSlow = server.app.hold('slow');
      const ordersBefore = server.app.calls('order');
      const slow = post('/r/order?hold=slow', k2);
      await until(() => server.app.calls('order') > ordersBefore, 'the slow one in its handler');
      const conflict = await post('/r/order?hold=slow', k2);
      finishSlow();
      expect(conflict.status).toBe(409);
      expect((await slow).status).toBe(201);
      // The handler throws, and a 503 is released by the policy.
      expect((await post('/r/fail', newKey())).status).toBe(500);
      expect((await post('/r/status?code=503', newKey())).status).toBe(503);
      // The store fails: on acquire (503, nothing runs), on complete (the response still goes
      // out), on release after the handler threw.
      const driverError = () => new Error('read ECONNRESET');
      store.fail('acquire', driverError);
      expect((await post('/r/order', newKey())).status).toBe(503);
      store.heal();
      store.fail('complete', driverError);
      expect((await post('/r/order', newKey())).status).toBe(201);
      store.heal();
      store.fail('release', driverError);
      expect((await post('/r/fail', newKey())).status).toBe(500);
      store.heal();
      // Malformed keys are not echoed either.
      const badKeys = [
        `bad key ${randomUUID()}`,
        `"unterminated-${randomUUID()}`,
        `long-${randomUUID()}-${'k'.repeat(260)}`,
      ];
      for (const bad of badKeys) expect((await post('/r/order', bad)).status).toBe(400);

      // Ownership lost: a lease that lapses while the handler runs, and a takeover.
      const shortStore = new RecordingStore();
      const short = await servers.start(
        { ...options, lease: '300ms', heartbeat: false },
        shortStore,
      );
      const k3 = newKey();
      const finishShort = short.app.hold('owner');
      const sendShort = () =>
        send(short.url('/r/order?hold=owner'), { key: k3, body: { amount: 1 }, headers });
      const owner = sendShort();
      await until(() => short.app.calls('order') === 1, 'the owner in its handler');
      await sleep(450); // past the 300 ms lease since the owner acquired the key
      const taking = sendShort();
      await until(() => short.app.calls('order') === 2, 'the taker in its handler');
      finishShort();
      const taker = await taking;
      const lost = await owner;
      replies.push(taker, lost);
      expect([lost.status, taker.status]).toEqual([201, 201]);

      process.off('warning', onWarning);
      const types = new Set(events.map((event) => event.type));
      for (const type of [
        'acquired',
        'completed',
        'replayed',
        'mismatch',
        'conflict',
        'released',
        'store_error',
        'fenced',
      ]) {
        expect(types, type).toContain(type);
      }

      // The fingerprint core's helper computes for the first request is what the store got.
      const print = requestFingerprint({
        method: 'POST',
        path: '/r/order',
        query: '',
        headers: { 'content-type': 'application/json' },
        body: { amount: 1 },
      });
      expect(store.fingerprints).toContain(print);
      const storeKeys = [...store.keys, ...shortStore.keys];
      // Events name keys only by their hash.
      const hashes = new Set(storeKeys.map(hashKey));
      for (const event of events) expect(hashes).toContain(event.keyHash);

      const secrets = [
        ...keys,
        ...badKeys,
        tenant,
        print,
        ...store.fingerprints,
        ...shortStore.fingerprints,
        ...storeKeys,
      ];
      const problems = replies
        .filter((reply) =>
          reply.headers.get('content-type')?.startsWith('application/problem+json'),
        )
        .map((reply) => reply.body.toString('utf8'));
      // 422, 409, 503 and the three malformed keys.
      expect(problems.length).toBe(6);
      const places = {
        events: reveal(events),
        logs: reveal(logged),
        warnings: reveal(warnings),
        problems: problems.join('\n'),
      };
      for (const [where, text] of Object.entries(places)) {
        for (const secret of secrets) {
          expect(text.includes(secret), `${where} holds ${secret}`).toBe(false);
        }
      }
    });

    it('a 503 problem body does not pass on the store driver’s error message (hosts, keys)', async () => {
      const store = new RecordingStore();
      const server = await servers.start({}, store);
      const key = `key-secret-${randomUUID()}`;
      store.fail(
        'acquire',
        (storeKey) => new Error(`connect ECONNREFUSED 10.20.30.40:6379 (locking ${storeKey})`),
      );
      const reply = await send(server.url('/r/order'), { key, body: { a: 1 } });
      expect(reply.status).toBe(503);
      expect(reply.json()).toMatchObject({
        type: 'https://oncely.dev/problems/store-unavailable',
        status: 503,
      });
      const text = reply.body.toString('utf8');
      expect(text).not.toContain('10.20.30.40');
      expect(text).not.toContain('ECONNREFUSED');
      expect(text).not.toContain(key);
      expect(server.app.calls('order')).toBe(0);
    });
  });
}
