import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpIdempotency } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';

const http = createHttpIdempotency({ store: new MemoryStore(), required: true });
let runs = 0;

// A whole binding for node:http: normalize the request, produce the handler's response as a
// captured response, send what core decides.
const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const request = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.search.slice(1),
    headers: req.headers,
    body: Buffer.concat(chunks),
  };
  const decision = await http.handle(request, async () => {
    runs++;
    const body = Buffer.from(JSON.stringify({ run: runs }));
    return { status: 201, headers: { 'content-type': 'application/json' }, body, complete: true };
  });
  if (decision.action === 'pass')
    res.writeHead(200).end('not covered'); // e.g. a GET
  else if (decision.action === 'send') {
    const { status, headers, body } = decision.response;
    res.writeHead(status, headers).end(body);
  }
});

server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

for (const key of ['"order-1"', 'order-1', undefined]) {
  const headers: Record<string, string> = key ? { 'idempotency-key': key } : {};
  const response = await fetch(`${base}/orders`, { method: 'POST', headers, body: '{"a":1}' });
  console.log(response.status, response.headers.get('idempotent-replayed'), await response.text());
}
server.close();
// -> 201 null {"run":1}
//    201 true {"run":1}
//    400 null {"type":"https://oncely.dev/problems/missing-key",...}
