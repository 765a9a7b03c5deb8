import type {
  ScenarioInput,
  ScenarioReply,
  ScenarioServer,
  ScenarioServerOptions,
  ScenarioUser,
} from '@oncely/http-scenarios';
import {
  listenFetch,
  webAppErrorResponse,
  webBearerUser,
  webGzip,
  webScenarioBody,
  webScenarioInput,
  webScenarioResponse,
} from '@oncely/http-scenarios/web';
import { withIdempotency } from '../src/index.js';

type Handler = (request: Request) => Promise<Response>;

/** Runs the scenario app's route `name`: in this process, or in the test process from Bun. */
export type ScenarioHandle = (name: string, input: ScenarioInput) => Promise<ScenarioReply>;

/** The scenario app behind @oncely/fetch on a real Node server. */
export function startFetch({ app, ...mount }: ScenarioServerOptions): Promise<ScenarioServer> {
  return listenFetch(scenarioRoutes((name, input) => app.handle(name, input), mount));
}

/**
 * The scenario routes behind @oncely/fetch, with the seams, as any runtime serves them. A fetch
 * handler has no router: the app routes `/r/:name` to the wrapped handler itself, as a Next.js
 * route file does, so a path no route matches never reaches oncely.
 */
export function scenarioRoutes(
  handle: ScenarioHandle,
  { idempotency: options, seams = {}, compress }: Omit<ScenarioServerOptions, 'app'>,
): Handler {
  const users = new WeakMap<Request, ScenarioUser>();
  // The auth seam: verifies the bearer token and keeps the user for `scope`, or answers 401.
  const auth =
    (inner: Handler): Handler =>
    async (request) => {
      const user = webBearerUser(request);
      if (!user) return new Response('Unauthorized', { status: 401 });
      users.set(request, user);
      return inner(request);
    };
  const scope = seams.scopeByUser
    ? (_: unknown, request: Request) => (users.get(request) as ScenarioUser).sub
    : options.scope;

  let route: Handler = async (request) => {
    const parsed = await webScenarioBody(request);
    if (parsed instanceof Response) return parsed;
    const name = new URL(request.url).pathname.slice('/r/'.length);
    return webScenarioResponse(await handle(name, webScenarioInput(request, parsed.body)));
  };
  if (compress) route = webGzip(route);
  if (seams.auth === 'route') route = auth(route);
  if (seams.routeLevel) route = withIdempotency(route, { ...options, scope, ...seams.routeLevel });
  route = withIdempotency(route, { ...options, scope });
  if (seams.auth === 'app') route = auth(route);

  return async (request) => {
    if (!/^\/r\/[^/]+$/.test(new URL(request.url).pathname)) {
      return new Response('Not Found', { status: 404 });
    }
    try {
      return await route(request);
    } catch (error) {
      if (seams.appErrorHandler) return webAppErrorResponse(error);
      return new Response('Internal Server Error', { status: 500 });
    }
  };
}
