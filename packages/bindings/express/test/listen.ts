import type { AddressInfo } from 'node:net';
import type express from 'express';

/** `app` listening on a free loopback port; `close` drops open connections too. */
export async function listen(app: express.Express): Promise<{ origin: string; close: () => void }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** POST `body` as JSON with an idempotency key (a request that hangs fails after 3 s). */
export function postWithKey(url: string, key: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(3000),
  });
}
