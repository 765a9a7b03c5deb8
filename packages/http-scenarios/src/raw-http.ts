import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';

/** A header line to write as it is: the value may hold any bytes, even ones fetch refuses. */
export type RawHeader = readonly [name: string, value: string | Buffer];

export interface RawExchange {
  method: string;
  path: string;
  headers?: readonly RawHeader[];
  body?: Buffer;
}

export interface RawAnswer {
  /** The status of the response, or undefined when the server closed without one. */
  status: number | undefined;
  /** The status line and header lines exactly as they came (latin1). */
  head: string;
  /** Header pairs in the order they came, names in lower case. */
  headers: [string, string][];
  /** The body, de-chunked. */
  body: Buffer;
}

/** All values of one header, in order. */
export function headerValues(answer: RawAnswer, name: string): string[] {
  return answer.headers.filter(([n]) => n === name).map(([, v]) => v);
}

/**
 * True when the answer is the refusal of node's HTTP parser (llhttp), written before any
 * middleware ran: node's own (a status line and `Connection: close`, no body), or the one a
 * framework's `clientError` handler writes instead (Fastify: a fixed "Client Error" JSON).
 */
export function isParserRefusal(answer: RawAnswer, status: 400 | 431): boolean {
  if (answer.status !== status) return false;
  const reason = STATUS_CODES[status];
  if (answer.head === `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n\r\n`) {
    return answer.body.byteLength === 0;
  }
  const text = answer.body.toString('utf8');
  return text === JSON.stringify({ error: reason, message: 'Client Error', statusCode: status });
}

/**
 * One HTTP/1.1 request over a fresh socket with `Connection: close`, written byte for byte
 * (header values are raw bytes), and its response read to the end of the message. For what
 * fetch refuses to send: control bytes, non-UTF-8, CONNECT/TRACE, unknown methods.
 */
export function exchange(base: string, request: RawExchange): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  const body = request.body ?? Buffer.alloc(0);
  const lines: Buffer[] = [
    Buffer.from(`${request.method} ${request.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`),
  ];
  for (const [name, value] of request.headers ?? []) {
    lines.push(Buffer.from(`${name}: `, 'latin1'), Buffer.from(value as string, 'latin1'));
    lines.push(Buffer.from('\r\n'));
  }
  lines.push(Buffer.from(`Content-Length: ${body.byteLength}\r\nConnection: close\r\n\r\n`));
  lines.push(body);
  const bytes = Buffer.concat(lines);

  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (answer: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`no complete answer to ${request.method} ${request.path} within 15 s`));
    }, 15_000);
    const attempt = (ended: boolean) => {
      const parsed = parseAnswer(received, request.method === 'HEAD', ended);
      if (parsed) finish(parsed);
      else if (ended) finish({ status: undefined, head: '', headers: [], body: received });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      attempt(false);
    });
    socket.on('end', () => attempt(true));
    socket.on('close', () => attempt(true));
    // A reset after the server answered and closed is normal; without an answer it is one.
    socket.on('error', () => attempt(true));
    socket.write(bytes);
  });
}

/** The response in `data` once it is complete, else undefined (wait for more). */
function parseAnswer(data: Buffer, head: boolean, ended: boolean): RawAnswer | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const headText = data.subarray(0, end + 4).toString('latin1');
  const [statusLine = '', ...headerLines] = headText.slice(0, -4).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) return undefined;
  const status = Number(match[1]);
  const headers = headerLines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  const rest = data.subarray(end + 4);
  const answer = (body: Buffer): RawAnswer => ({ status, head: headText, headers, body });
  if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) {
    return answer(Buffer.alloc(0));
  }
  const encoding = headers.find(([name]) => name === 'transfer-encoding')?.[1];
  if (encoding && /chunked/i.test(encoding)) {
    const body = dechunk(rest);
    return body ? answer(body) : undefined;
  }
  const length = headers.find(([name]) => name === 'content-length')?.[1];
  if (length !== undefined) {
    const size = Number(length);
    return rest.byteLength >= size ? answer(rest.subarray(0, size)) : undefined;
  }
  return ended ? answer(rest) : undefined;
}

function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0)
      return data.indexOf('\r\n\r\n', lineEnd) === -1 ? undefined : Buffer.concat(parts);
    const start = lineEnd + 2;
    if (data.byteLength < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
