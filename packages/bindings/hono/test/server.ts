import { serve } from '@hono/node-server';
import {
  SCENARIO_JWT_SECRET,
  type ScenarioServer,
  type ScenarioServerOptions,
  webAppErrorResponse,
  webScenarioBody,
  webScenarioInput,
  webScenarioResponse,
} from '@oncely/http-scenarios';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { compress as honoCompress } from 'hono/compress';
import { HTTPException } from 'hono/http-exception';
import { jwt } from 'hono/jwt';
import { idempotency } from '../src/index.js';

/** The scenario app behind @oncely/hono on `@hono/node-server`, Hono's real Node server. */
export async function startHono({
  app,
  idempotency: options,
  seams = {},
  compress,
}: ScenarioServerOptions): Promise<ScenarioServer> {
  const server = new Hono();
  // Hono's default error handler logs every error; the `fail` route throws on purpose.
  server.onError((error) =>
    seams.appErrorHandler
      ? webAppErrorResponse(error)
      : error instanceof HTTPException
        ? error.getResponse()
        : new Response('Internal Server Error', { status: 500 }),
  );
  const auth = jwt({ secret: SCENARIO_JWT_SECRET, alg: 'HS256' });
  if (seams.auth === 'app') server.use(auth);
  const scope = seams.scopeByUser
    ? (_: unknown, c: Context) => (c.get('jwtPayload') as { sub: string }).sub
    : options.scope;
  server.use(idempotency({ ...options, scope }));
  if (compress) server.use(honoCompress({ threshold: 0 }));
  const onRoute: MiddlewareHandler[] = [];
  if (seams.routeLevel) onRoute.push(idempotency({ ...options, scope, ...seams.routeLevel }));
  if (seams.auth === 'route') onRoute.push(auth);
  for (const middleware of onRoute) server.use('/r/:name', middleware);
  server.all('/r/:name', async (c) => {
    const parsed = await webScenarioBody(c.req.raw);
    if (parsed instanceof Response) return parsed;
    const input = webScenarioInput(c.req.raw, parsed.body);
    return webScenarioResponse(await app.handle(c.req.param('name') ?? '', input));
  });
  const listening = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: server.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(started),
    );
  });
  const { port } = listening.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (listening as import('node:http').Server).closeAllConnections();
        listening.close(() => resolve());
      }),
  };
}
