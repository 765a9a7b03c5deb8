/** What the client knows about the answer to one operation. */
export interface IdempotencyInfo {
  /** The key every attempt carried; `undefined` for a method the client does not cover. */
  key: string | undefined;
  /** How many requests were sent, the last one included. */
  attempts: number;
  /** The server sent `Idempotent-Replayed: true`: this is the stored answer of an earlier attempt. */
  replayed: boolean;
}

/** A fetch `Response` with what the client knows about the operation. */
export interface IdempotentResponse extends Response {
  readonly idempotency: IdempotencyInfo;
}

/** `Idempotent-Replayed: true`, the header an oncely binding adds to every replay. */
export function isReplay(response: Response): boolean {
  return response.headers.get('idempotent-replayed')?.trim().toLowerCase() === 'true';
}

const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Reads the whole body inside the attempt, so a connection lost halfway through the body is a
 * failed attempt (and retried) instead of an error the caller meets later in `response.json()`.
 * Returns a new `Response` with the same status, headers, URL and bytes.
 */
export async function buffered(response: Response): Promise<Response> {
  // Opaque responses (status 0) cannot be rebuilt, and have no readable body to lose.
  if (response.status < 200 || response.status > 599) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const copy = new Response(NO_BODY.has(response.status) ? null : bytes, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(copy, 'url', { value: response.url, enumerable: true });
  Object.defineProperty(copy, 'redirected', { value: response.redirected, enumerable: true });
  return copy;
}

export function withInfo(response: Response, info: IdempotencyInfo): IdempotentResponse {
  Object.defineProperty(response, 'idempotency', { value: info, enumerable: true });
  return response as IdempotentResponse;
}
