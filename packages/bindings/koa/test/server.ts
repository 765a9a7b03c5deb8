import type { AddressInfo } from 'node:net';
import type { ScenarioServer, ScenarioServerOptions } from '@oncely/http-scenarios';
import type Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import koaCompress from 'koa-compress';
import { idempotency } from '../src/index.js';

/** Reads `application/octet-stream` bodies into a Buffer (koa-bodyparser leaves them alone). */
const rawBytes: Koa.Middleware = async (ctx, next) => {
  if (ctx.is('application/octet-stream')) {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    ctx.request.body = Buffer.concat(chunks);
  }
  await next();
};

/**
 * The scenario app behind @oncely/koa on a real server. `KoaClass` is Koa 3 or Koa 2 (the
 * `koa2` alias): the same code runs on both majors.
 */
export async function startKoa(
  KoaClass: typeof Koa,
  { app, idempotency: options, compress }: ScenarioServerOptions,
): Promise<ScenarioServer> {
  const server = new KoaClass();
  server.silent = true; // the `fail` route throws on purpose
  server.use(rawBytes);
  server.use(bodyParser({ enableTypes: ['json', 'form', 'text'] }));
  server.use(idempotency(options));
  if (compress) server.use(koaCompress({ threshold: 0 }));
  server.use(async (ctx) => {
    const match = /^\/r\/([^/]+)$/.exec(ctx.path);
    if (!match) return;
    const reply = await app.handle(match[1] as string, {
      method: ctx.method,
      query: ctx.querystring,
      body: ctx.request.body,
      headers: ctx.headers,
    });
    ctx.status = reply.status;
    for (const [name, value] of Object.entries(reply.headers)) ctx.set(name, value);
    const { body } = reply;
    if (body.kind === 'json') ctx.body = body.value;
    else if (body.kind === 'text') {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = body.value;
    } else if (body.kind === 'bytes' || body.kind === 'stream') {
      ctx.type = 'application/octet-stream';
      ctx.body = body.value;
    } else if (body.kind === 'empty') ctx.body = '';
  });
  const listening = server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    listening.once('listening', resolve);
    listening.once('error', reject);
  });
  const { port } = listening.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        listening.closeAllConnections();
        listening.close(() => resolve());
      }),
  };
}
