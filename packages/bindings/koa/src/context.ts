import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** The parts of a Koa context the binding uses (Koa 2 and 3 alike). */
export interface KoaContextLike {
  method: string;
  path: string;
  querystring: string;
  headers: IncomingHttpHeaders;
  /** Node's request: its `headersDistinct` shows a key header sent more than once. */
  req?: { headersDistinct?: Record<string, string[] | undefined>; httpVersionMajor?: number };
  /** `body` is what a body parser (`koa-bodyparser`, `@koa/bodyparser`...) left. */
  request: { body?: unknown };
  response: { headers: OutgoingHttpHeaders };
  status: number;
  /** The status message (`"Accepted"`), which Koa sends when nothing set a body. */
  message: string;
  body: unknown;
  set(field: string, value: string | string[]): void;
  /** What earlier middleware left for later ones (koa-jwt's `ctx.state.user`); Koa types it `any` too. */
  // biome-ignore lint/suspicious/noExplicitAny: Koa's own DefaultState is `any`
  state: any;
}
