import { connect } from 'node:net';

export interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The parsed body when it is JSON or problem+json. */
  json: () => unknown;
}

export interface SendOptions {
  method?: string;
  key?: string;
  headers?: Record<string, string>;
  /** Sent as JSON when an object, as is when a string or Buffer. */
  body?: unknown;
  contentType?: string;
  /** Abort the request from the client's side (e.g. a client that gives up waiting). */
  signal?: AbortSignal;
}

/** A real HTTP request with node's fetch (undici) over a real socket. */
export async function send(url: string, options: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  let body: string | Buffer | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) body = options.body;
    else body = JSON.stringify(options.body);
    headers['content-type'] =
      options.contentType ??
      (typeof options.body === 'object' && !Buffer.isBuffer(options.body)
        ? 'application/json'
        : 'text/plain');
  }
  const response = await fetch(url, {
    method: options.method ?? 'POST',
    headers,
    body,
    signal: options.signal,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    body: bytes,
    json: () => JSON.parse(bytes.toString('utf8')),
  };
}

export interface RawReply {
  /** The status of the first response line, or undefined when none arrived. */
  status: number | undefined;
  text: string;
  /** The connection was reset or closed before a response arrived. */
  closed: boolean;
}

/**
 * Write raw bytes to the server and read what comes back until it closes the connection: for
 * requests fetch refuses to send (non-UTF-8 header bytes, oversized headers).
 */
export function rawRequest(host: string, port: number, bytes: Buffer): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : undefined, text, closed: !match });
    };
    const timer = setTimeout(finish, 10_000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One complete response is enough: Connection: close makes the server end it anyway.
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) setTimeout(finish, 50);
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(bytes);
  });
}
