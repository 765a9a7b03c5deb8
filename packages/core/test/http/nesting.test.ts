import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  type CapturedResponse,
  createHttpIdempotency,
  type HttpDecision,
  type HttpIdempotencyOptions,
  type HttpRequest,
  isOncelyError,
} from '../../src/index.js';
import { MemoryStore } from '../support/memory.js';

const request = (body: unknown = { amount: 5 }): HttpRequest => ({
  method: 'POST',
  path: '/orders',
  query: '',
  headers: { 'idempotency-key': 'order-42' },
  body,
});

const created = (body = 'ok'): CapturedResponse => ({
  status: 201,
  headers: {},
  body: Buffer.from(body),
  complete: true,
});

/**
 * An app-level and a route-level instance on one store, wired as a binding wires them: the
 * outer one's downstream is the rest of the chain, which reaches the inner one on the same
 * carrier (Express `req`, Koa `ctx`).
 */
function nested(
  inner: Partial<HttpIdempotencyOptions> = {},
  outer: Partial<HttpIdempotencyOptions> = {},
) {
  const store = new MemoryStore();
  const app = createHttpIdempotency({ store, ...outer });
  const route = createHttpIdempotency({ store, ...outer, ...inner });
  let runs = 0;
  async function send(
    req: HttpRequest,
    handler: () => Promise<CapturedResponse> = async () => created(`run ${++runs}`),
  ): Promise<HttpDecision> {
    const carrier = {};
    let routeDecision: Promise<HttpDecision> | undefined;
    const appDecision = await app.handle(
      req,
      () => {
        routeDecision = route.handle(req, handler, { native: undefined, carrier });
        // The chain goes on only once the inner instance answered (it took the request over).
        return new Promise<never>(() => {});
      },
      { native: undefined, carrier },
    );
    // The app-level one let the request through untouched (no key it reads): routing goes on.
    if (appDecision.action === 'pass')
      return route.handle(req, handler, { native: undefined, carrier });
    return appDecision.action === 'yielded' && routeDecision ? routeDecision : appDecision;
  }
  return { store, app, route, send, runs: () => runs };
}

const body = (decision: HttpDecision) =>
  decision.action === 'send' ? Buffer.from(decision.response.body).toString() : decision.action;

describe('an instance nested under another on one carrier', () => {
  it('keeps its records where the outer one never looks: the outer one holds nothing after a run', async () => {
    const { app, send, runs } = nested({
      fingerprint: (r) => String((r.body as { amount: number }).amount),
    });
    expect(body(await send(request({ amount: 5, note: 'a' })))).toBe('run 1');
    const retry = await send(request({ amount: 5, note: 'b' }));
    expect(retry).toMatchObject({ action: 'send', source: 'replay' });
    expect(body(retry)).toBe('run 1');
    // The outer instance alone acquires the key: it never saw the inner one's record.
    const alone = await app.handle(request(), async () => created('outer'));
    expect(body(alone)).toBe('outer');
    expect(runs()).toBe(1);
  });

  it('a duplicate the outer one meets during a hand-over gets a 409 that suggests the route’s run time', async () => {
    const { app, send } = nested({ lease: '30s' });
    await send({ ...request(), headers: { 'idempotency-key': 'warm' } }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      return created();
    });
    // The outer one holds the key (as it does before the route's instance reaches it).
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const held = app.handle(request(), () => {
      started();
      return new Promise<CapturedResponse>((r) => (release = () => r(created())));
    });
    await running;
    const duplicate = await app.handle(request(), async () => created('twice'));
    release();
    await held;
    expect(duplicate.action).toBe('send');
    if (duplicate.action !== 'send') return;
    expect(duplicate.response.status).toBe(409);
    expect(Number(duplicate.response.headers['retry-after'])).toBeGreaterThanOrEqual(2);
  });

  it('refuses an inner one that differs in a setting the outer one answers with, the outer one’s way, and releases the key', async () => {
    const { app, send } = nested({ wait: '5s' }, { problems: 'throw' });
    const refused = await send(request());
    expect(refused.action).toBe('throw');
    if (refused.action !== 'throw') return;
    expect(isOncelyError(refused.error, 'nesting-mismatch')).toBe(true);
    expect(refused.error).toMatchObject({ status: 500, setting: 'wait' });
    expect(refused.error.message).toContain('set it the same in both registrations');
    expect(body(await app.handle(request(), async () => created('free')))).toBe('free');
  });

  it('lets a route take its key from the request under an app that reads the header, and refuses a route whose key function differs from the app’s', async () => {
    const eventId = (req: HttpRequest) => (req.body as { id: string }).id;
    const fromBody = nested({ key: eventId });
    const webhook = { ...request({ id: 'evt_1' }), headers: {} };
    expect(body(await fromBody.send(webhook))).toBe('run 1');
    expect(body(await fromBody.send(webhook))).toBe('run 1');

    const { send } = nested({ key: eventId }, { key: () => 'app-key', problems: 'throw' });
    const refused = await send(webhook);
    expect(refused.action).toBe('throw');
    if (refused.action !== 'throw') return;
    expect(refused.error).toMatchObject({ status: 500, setting: 'key' });
  });
});

describe('the carrier once its request is answered', () => {
  // A full GC on demand, without starting the test process with --expose-gc.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  it('keeps nothing of the request alive: a request object that outlives its response does not hold it', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    // Express's req: Node's parser points at it until the connection's next request, so it is
    // usually promoted to the old generation, and whatever it points to stays with it.
    const carrier = {};
    let body: WeakRef<Buffer> | undefined;
    const answered = async () => {
      const decision = await http.handle(
        request(),
        async () => {
          const bytes = Buffer.from('a response that must not outlive its request');
          body = new WeakRef(bytes);
          return { status: 201, headers: {}, body: bytes, complete: true };
        },
        { native: undefined, carrier },
      );
      return decision.action;
    };
    expect(await answered()).toBe('send');
    // Let the promise jobs that still point at the response run out, then collect.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(carrier).toBeDefined();
    expect(body?.deref()).toBeUndefined();
  });
});
