import type { HttpRequest } from '@oncely/core';

/**
 * A request's JSON body as a user's option function finds it: the Node bindings hand over what
 * the framework's parser made of it, the Web bindings (fetch, Hono) the raw bytes.
 */
export function jsonBody(request: HttpRequest): unknown {
  return request.body instanceof Uint8Array
    ? JSON.parse(new TextDecoder().decode(request.body))
    : request.body;
}
