import { randomUUID } from 'node:crypto';
import type { HttpIdempotencyOptions, Store } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { RedisStore } from '@oncely/redis';
import { deferred, probeService, until } from '@oncely/testing';
import { checkRedisBinaries, RedisServer } from '@oncely/testing/redis-server';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oncelyTelemetry } from '../src/index.js';
import {
  type Framework,
  LEVEL,
  type LogLine,
  post,
  startApp,
  type TestApp,
} from './support/apps.js';
import { createTelemetry, sum, type Telemetry } from './support/telemetry.js';

const ROUTE = '/orders/:id';

const shared = new Redis('redis://127.0.0.1:6379', {
  lazyConnect: true,
  maxRetriesPerRequest: 1,
  retryStrategy: () => null,
});
shared.on('error', () => {});
const redis6379 = await probeService('Redis at 127.0.0.1:6379', () => shared.connect());
const redisBinaries = await probeService('redis-server binaries', checkRedisBinaries);
afterAll(() => shared.disconnect());

/** The settled log lines: [level, outcome]. */
const settledLines = (lines: LogLine[]) =>
  lines.filter((line) => line.oncely?.type === 'settled').map((l) => [l.level, l.oncely?.outcome]);

/** The HTTP span a span hangs under. */
function parentOf(span: ReadableSpan, all: ReadableSpan[]): ReadableSpan | undefined {
  return all.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
}

interface Harness {
  telemetry: Telemetry;
  app: TestApp;
}

async function harness(
  framework: Framework,
  store: Store,
  options: Partial<HttpIdempotencyOptions> = {},
): Promise<Harness> {
  const telemetry = createTelemetry();
  const onEvent = oncelyTelemetry({
    tracerProvider: telemetry.tracerProvider,
    meterProvider: telemetry.meterProvider,
  });
  const app = await startApp(framework, telemetry, { store, onEvent, ...options });
  return { telemetry, app };
}

function outcomes(
  framework: Framework,
  storeName: string,
  makeStore: () => Store,
  unavailable = false,
): void {
  describe.skipIf(unavailable)(`${framework} on ${storeName}`, () => {
    let h: Harness;
    afterEach(async () => {
      await h?.app.close();
      await h?.telemetry.shutdown();
    });

    it('executed, replayed, mismatch and conflict: spans under the HTTP span, metrics, debug lines', async () => {
      h = await harness(framework, makeStore());
      const { app, telemetry } = h;
      const key = randomUUID();
      expect((await post(app, key)).status).toBe(201);
      expect((await post(app, key)).replayed).toBe(true);
      expect((await post(app, key, { amount: 2 })).status).toBe(422);

      const entered = deferred();
      const release = deferred();
      app.beforeReply.current = async () => {
        entered.resolve();
        await release.promise;
      };
      const slowKey = randomUUID();
      const slow = post(app, slowKey);
      await entered.promise;
      expect(sum(await telemetry.points('oncely.operations.in_progress'))).toBe(1);
      expect((await post(app, slowKey)).status).toBe(409);
      app.beforeReply.current = undefined;
      release.resolve();
      expect((await slow).status).toBe(201);

      const all = telemetry.finishedSpans();
      const spans = telemetry.oncelySpans();
      expect(spans.map((s) => s.attributes['oncely.outcome'])).toEqual([
        'executed',
        'replayed',
        'mismatch',
        'conflict',
        'executed',
      ]);
      for (const span of spans) {
        const parent = parentOf(span, all);
        expect(parent?.kind, 'nested under the HTTP span').toBe(SpanKind.SERVER);
        expect(span.attributes['http.request.method']).toBe('POST');
        expect(span.attributes['oncely.store']).toBe(storeName);
        expect(span.attributes['oncely.key_hash']).toMatch(/^[0-9a-f]{16}$/);
        expect(span.status.code).toBe(SpanStatusCode.UNSET);
      }
      const [executed, replayed] = spans;
      expect(executed?.attributes).toMatchObject({
        'http.route': ROUTE,
        'oncely.fence': 1,
        'oncely.stored': true,
        'oncely.handler_ran': true,
      });
      expect(executed?.attributes['oncely.handler_ms']).toBeTypeOf('number');
      expect(replayed?.attributes).toMatchObject({
        'oncely.fence': 1,
        'oncely.handler_ran': false,
      });
      // Fastify knows the route before the handler; Express (mounted on the app) only after it.
      if (framework === 'fastify') expect(replayed?.attributes['http.route']).toBe(ROUTE);

      const operations = await telemetry.points('oncely.operations');
      expect(sum(operations, { 'oncely.outcome': 'executed' })).toBe(2);
      expect(sum(operations, { 'oncely.outcome': 'replayed' })).toBe(1);
      expect(sum(operations, { 'oncely.outcome': 'mismatch' })).toBe(1);
      expect(sum(operations, { 'oncely.outcome': 'conflict' })).toBe(1);
      const [ratio] = await telemetry.points('oncely.replay.ratio');
      expect(ratio?.value).toBeCloseTo(1 / 3);
      expect(sum(await telemetry.points('oncely.operations.in_progress'))).toBe(0);
      const storeCalls = await telemetry.points('oncely.store.duration');
      const counted = (operation: string) =>
        storeCalls
          .filter((p) => p.attributes['oncely.store.operation'] === operation)
          .reduce((n, p) => n + (p.value as { count: number }).count, 0);
      expect(counted('acquire')).toBe(5);
      expect(counted('complete')).toBe(2);

      expect(settledLines(app.lines)).toEqual([
        [LEVEL.debug, 'executed'],
        [LEVEL.debug, 'replayed'],
        [LEVEL.debug, 'mismatch'],
        [LEVEL.debug, 'conflict'],
        [LEVEL.debug, 'executed'],
      ]);
      if (framework === 'fastify') {
        // request.log: the line has Fastify's reqId, and oncely names the same request.
        for (const line of app.lines.filter((l) => l.oncely)) {
          expect(line.reqId).toBeDefined();
          expect(line.oncely?.requestId).toBe(line.reqId);
        }
      }
      expect(JSON.stringify(app.lines)).not.toContain(key);
    });

    it('fenced: the lease lapsed and another attempt took over; a warning and an error span', async () => {
      h = await harness(framework, makeStore(), { lease: '300ms', heartbeat: false });
      const { app, telemetry } = h;
      const entered = deferred();
      const release = deferred();
      app.beforeReply.current = async () => {
        app.beforeReply.current = undefined; // only the first attempt is held
        entered.resolve();
        await release.promise;
      };
      const key = randomUUID();
      const owner = post(app, key);
      await entered.promise;
      // The owner's lease ends on its own timer (no heartbeat): the fenced event says so.
      await until(
        async () =>
          sum(await telemetry.points('oncely.fenced'), { 'oncely.fence.operation': 'lease' }) === 1,
        'the owner losing its lease',
      );
      const taker = await post(app, key);
      expect(taker.status).toBe(201);
      release.resolve();
      expect((await owner).status).toBe(201);

      const fenced = telemetry
        .oncelySpans()
        .find((s) => s.attributes['oncely.outcome'] === 'fenced');
      expect(fenced?.status.code).toBe(SpanStatusCode.ERROR);
      expect(fenced?.attributes).toMatchObject({ 'oncely.fence': 1, 'oncely.handler_ran': true });
      expect(
        sum(await telemetry.points('oncely.fenced'), { 'oncely.fence.operation': 'complete' }),
      ).toBe(1);
      const warning = app.lines.find((l) => l.oncely?.outcome === 'fenced');
      expect(warning?.level).toBe(LEVEL.warn);
      expect(warning?.msg).toMatch(/another attempt had taken its key over/);
      expect(warning?.oncely).toMatchObject({ route: ROUTE, method: 'POST', fence: 1 });
      const leaseLost = app.lines.find((l) => l.oncely?.type === 'fenced');
      expect(leaseLost?.level).toBe(LEVEL.warn);
    });
  });
}

/** A Redis this file starts, so it can freeze it: connections stay open, nothing answers. */
function outage(framework: Framework): void {
  describe.skipIf(!redisBinaries.available)(`${framework} on a Redis that stops`, () => {
    let server: RedisServer;
    let client: Redis;
    let h: Harness | undefined;
    beforeEach(async () => {
      server = await RedisServer.start();
      client = new Redis({ host: '127.0.0.1', port: server.port });
      client.on('error', () => {});
    });
    afterEach(async () => {
      server.resume();
      await h?.app.close();
      await h?.telemetry.shutdown();
      client.disconnect();
      await server.stop();
    });

    it('store down before the handler: 503, nothing ran, a warning; down after it: the response goes out, a warning that finds the request, stored in the background', async () => {
      h = await harness(framework, new RedisStore({ client }), { storeTimeout: '250ms' });
      const { app, telemetry } = h;

      server.pause();
      const refused = await post(app, randomUUID());
      server.resume();
      expect(refused.status).toBe(503);
      expect(app.calls()).toBe(0);

      const key = randomUUID();
      app.beforeReply.current = async () => {
        app.beforeReply.current = undefined;
        server.pause(); // the handler ran; storing its result will fail
      };
      const ran = await post(app, key);
      expect(ran.status).toBe(201);
      expect(app.calls()).toBe(1);

      const [before, after] = telemetry
        .oncelySpans()
        .filter((s) => s.attributes['oncely.outcome'] === 'store-unavailable');
      expect(before?.attributes['oncely.handler_ran']).toBe(false);
      expect(after?.attributes['oncely.handler_ran']).toBe(true);
      for (const span of [before, after]) {
        expect(span?.status.code).toBe(SpanStatusCode.ERROR);
        expect(span?.attributes['error.type']).toBe('store-unavailable');
      }

      const warnings = app.lines.filter(
        (l) => l.level === LEVEL.warn && l.oncely?.outcome === 'store-unavailable',
      );
      expect(warnings.map((l) => l.oncely?.handlerRan)).toEqual([false, true]);
      const lost = warnings[1];
      expect(lost?.msg).toMatch(/ran but its result could not be stored/);
      expect(lost?.oncely).toMatchObject({
        method: 'POST',
        route: ROUTE,
        keyHash: expect.stringMatching(/^[0-9a-f]{16}$/),
        fence: 1,
        store: 'RedisStore',
      });
      expect(lost?.err?.message).toBeTruthy();
      if (framework === 'fastify') expect(lost?.oncely?.requestId).toBe(lost?.reqId);

      // The store comes back within the lease: the background completion stores the result.
      server.resume();
      await until(
        async () =>
          sum(await telemetry.points('oncely.background_completions'), {
            'oncely.background.result': 'stored',
          }) === 1,
        'the background completion',
      );
      const stored = app.lines.find((l) => l.oncely?.type === 'completed');
      expect(stored?.level).toBe(LEVEL.info);
      expect(telemetry.finishedSpans().some((s) => s.name === 'oncely background completion')).toBe(
        true,
      );
      const retry = await post(app, key);
      expect(retry.replayed).toBe(true);
      expect(retry.body).toEqual(ran.body);
      expect(app.calls()).toBe(1);
      const operations = await telemetry.points('oncely.operations');
      expect(sum(operations, { 'oncely.outcome': 'store-unavailable' })).toBe(2);
      const failedCalls = (await telemetry.points('oncely.store.duration')).filter(
        (p) => p.attributes['error.type'] === 'store-unavailable',
      );
      expect(failedCalls.map((p) => p.attributes['oncely.store.operation']).sort()).toEqual([
        'acquire',
        'complete',
      ]);
    });
  });
}

for (const framework of ['fastify', 'express'] as const) {
  outcomes(framework, 'MemoryStore', () => new MemoryStore());
  outcomes(
    framework,
    'RedisStore',
    () => new RedisStore({ client: shared, prefix: `oncely-otel-test:${randomUUID()}:` }),
    !redis6379.available,
  );
  outage(framework);
}
