import { Readable } from 'node:stream';
import type { HttpIdempotencyOptions, Store } from '@oncely/core';
import type { ScenarioReply, ScenarioServer, ScenarioServerOptions } from '@oncely/http-scenarios';
import { listenFetch } from '@oncely/http-scenarios';
import { decode, encode } from './wire.js';

/** Option functions the engine calls and uses the answer of at once: called synchronously. */
const SYNC_FUNCTIONS = ['fingerprint', 'shouldStore', 'onEvent'];
/** Option functions whose answer may be a promise. */
const ASYNC_FUNCTIONS = ['key', 'scope'];

type Call = (...args: unknown[]) => unknown;

export type FunctionCalls = Record<string, 'sync' | 'async'>;

/** What the server in the other runtime is started with (JSON). */
export interface RemoteConfig {
  control: string;
  capabilities: Store['capabilities'];
  options: Record<string, unknown>;
  functions: FunctionCalls;
  seams: Record<string, unknown> & { routeLevel?: Record<string, unknown> };
  routeLevelFunctions: FunctionCalls;
  compress: boolean;
}

/**
 * The test process's side of a scenario server that runs in another runtime: the scenario app,
 * the store and the option functions stay here, where the scenarios count runs, inspect and
 * break the store and collect events, and the other runtime reaches them over HTTP (the
 * binding, core's engine and HTTP layer run there). Console output and process warnings of the
 * other runtime come back here too, so a test that watches them sees them.
 */
export async function startControl({
  app,
  idempotency,
  seams = {},
  compress = false,
}: ScenarioServerOptions): Promise<ScenarioServer & { config: Omit<RemoteConfig, 'control'> }> {
  const { store, ...rest } = idempotency;
  const calls = new Map<string, Call>();
  const split = (where: string, options: Partial<HttpIdempotencyOptions>) => {
    const portable: Record<string, unknown> = {};
    const functions: FunctionCalls = {};
    for (const [field, value] of Object.entries(options)) {
      if (typeof value === 'function') {
        const mode = SYNC_FUNCTIONS.includes(field) ? 'sync' : 'async';
        if (mode === 'async' && !ASYNC_FUNCTIONS.includes(field)) {
          throw new Error(`the ${field} function cannot be called from the other runtime`);
        }
        functions[field] = mode;
        calls.set(`${where}.${field}`, value as Call);
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        throw new Error(`the ${field} object cannot cross into the other runtime`);
      } else portable[field] = value;
    }
    return { portable, functions };
  };
  const top = split('options', rest);
  const route = split('routeLevel', seams.routeLevel ?? {});

  const server = await listenFetch(async (request) => {
    const [, kind, name = ''] = new URL(request.url).pathname.split('/');
    const args = decode<unknown[]>(await request.text());
    if (kind === 'handle') return replyOf(() => app.handle(name, args[0] as never));
    return Response.json(
      await outcome(async () => {
        if (kind === 'store') return (store[name as keyof Store] as Call).apply(store, args);
        if (kind === 'call') return (calls.get(name) as Call)(...args);
        if (kind === 'console') return (console[name as 'log'] as Call)(...args);
        if (kind === 'warning') return void process.emit('warning', args[0] as Error);
        throw new Error(`no such control call: ${kind}`);
      }),
    );
  });
  const config = {
    capabilities: store.capabilities,
    options: top.portable,
    functions: top.functions,
    seams: { ...seams, routeLevel: seams.routeLevel && route.portable },
    routeLevelFunctions: route.functions,
    compress,
  };
  return { ...server, config };
}

async function outcome(run: () => unknown): Promise<{ wire: string }> {
  try {
    return { wire: encode({ value: await run() }) };
  } catch (error) {
    return { wire: encode({ error }) };
  }
}

/** A scenario reply: its status, headers and kind in `x-reply`, its body as the body (streamed). */
async function replyOf(handle: () => Promise<ScenarioReply>): Promise<Response> {
  let reply: ScenarioReply;
  try {
    reply = await handle();
  } catch (error) {
    return new Response(null, {
      status: 500,
      headers: { 'x-error': encodeURIComponent(encode(error)) },
    });
  }
  const { body } = reply;
  const meta = encodeURIComponent(
    JSON.stringify({ status: reply.status, headers: reply.headers, kind: body.kind }),
  );
  let content: ConstructorParameters<typeof Response>[0] = null;
  if (body.kind === 'json') content = encode([body.value]);
  else if (body.kind === 'text') content = body.value;
  else if (body.kind === 'bytes') content = new Uint8Array(body.value);
  else if (body.kind === 'stream') content = Readable.toWeb(body.value) as ReadableStream;
  return new Response(content, { headers: { 'x-reply': meta } });
}
