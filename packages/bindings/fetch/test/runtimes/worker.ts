import { scenarioFetch } from './app.js';

interface Env {
  BACKEND: string;
  OPTIONS: string;
}

let handler: ((request: Request) => Promise<Response>) | undefined;

// A Cloudflare Worker: one instance of the binding per isolate, made on the first request.
export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handler ??= scenarioFetch(env.BACKEND, JSON.parse(env.OPTIONS));
    return handler(request);
  },
};
