import type { AddressInfo } from 'node:net';
import type { ScenarioServer, ScenarioServerOptions } from '@oncely/http-scenarios';
import compression from 'compression';
import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { idempotency } from '../src/index.js';

/**
 * The scenario app behind @oncely/express on a real server. `createExpress` is Express 5 or
 * Express 4 (the `express4` alias): the same code runs on both majors.
 */
export async function startExpress(
  createExpress: typeof express,
  { app, idempotency: options, compress }: ScenarioServerOptions,
): Promise<ScenarioServer> {
  const server = createExpress();
  server.use(createExpress.json());
  server.use(createExpress.raw({ type: 'application/octet-stream' }));
  server.use(createExpress.text({ type: 'text/plain' }));
  server.use(idempotency(options));
  if (compress) server.use(compression({ threshold: 0 }));
  server.all('/r/:name', (req: Request, res: Response, next: NextFunction) => {
    const url = req.originalUrl;
    app
      .handle(String(req.params.name), {
        method: req.method,
        query: url.includes('?') ? url.slice(url.indexOf('?') + 1) : '',
        body: req.body,
        headers: req.headers,
      })
      .then((reply) => {
        res.status(reply.status).set(reply.headers);
        const { body } = reply;
        if (body.kind === 'json') res.json(body.value);
        else if (body.kind === 'text') res.type('text/plain').send(body.value);
        else if (body.kind === 'bytes') res.type('application/octet-stream').send(body.value);
        else if (body.kind === 'stream') body.value.pipe(res.type('application/octet-stream'));
        else res.end();
      }, next);
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
