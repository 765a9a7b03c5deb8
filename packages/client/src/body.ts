/** What fetch takes as a body (`BodyInit`), named without the DOM library's global type. */
export type FetchBody = NonNullable<RequestInit['body']>;

/** A request body, or a function that makes the same body again for every attempt. */
export type BodySource =
  | FetchBody
  | null
  | undefined
  | (() => FetchBody | null | Promise<FetchBody | null>);

/** How each attempt gets its body. */
export interface PreparedBody {
  /** Whether a second attempt can send the same body (bytes, or the user's factory). */
  replayable: boolean;
  /** The content type the platform gives such a body, when the caller set none. */
  contentType: string | null;
  next(): Promise<FetchBody | null>;
}

const isStream = (body: unknown): body is ReadableStream =>
  typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/**
 * Turns a body into something every attempt can send unchanged. Strings, bytes, Blobs, form
 * data and URL parameters are encoded once, here: a `FormData` would otherwise get a new
 * multipart boundary, and so other bytes, on every attempt. A stream can be read only once, so
 * it is sent once (`replayable: false`) unless `buffer` says to read it into memory first; a
 * factory is called once per attempt and must return the same content each time.
 */
export async function prepareBody(source: BodySource, buffer: boolean): Promise<PreparedBody> {
  if (typeof source === 'function') {
    return { replayable: true, contentType: null, next: async () => (await source()) ?? null };
  }
  if (source === undefined || source === null) {
    return { replayable: true, contentType: null, next: async () => null };
  }
  if (isStream(source) && !buffer) {
    let used = false;
    return {
      replayable: false,
      contentType: null,
      next: async () => {
        if (used) throw new Error('a stream body can be sent only once');
        used = true;
        return source;
      },
    };
  }
  // The platform's own encoding of the body, as fetch would send it, captured once.
  const encoded = new Response(source);
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  return {
    replayable: true,
    contentType: isStream(source) ? null : encoded.headers.get('content-type'),
    next: async () => bytes,
  };
}

/** Whether fetch needs `duplex: "half"` to send this body (a stream, in Node and Chromium). */
export function needsDuplex(body: FetchBody | null): boolean {
  return isStream(body);
}
