import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { buildApi } from './api.js';
import { buildHonoApi } from './api-hono.js';
import { frameworkName } from './framework.js';
import { FakeProvider } from './provider.js';
import { openStore } from './store.js';

/**
 * The API as a process: `pnpm --filter @oncely/demo serve`. The store comes from
 * `ONCELY_STORE` (see store.ts); `PORT` (default 3000; 0 for any free port) and
 * `PROVIDER_URL` (default: a fake provider started in this process), `ONCELY_FRAMEWORK`
 * (`fastify`, the default, or `hono`). It prints one line,
 * `listening on <url>`, which the scripted client waits for.
 */
const env = process.env;
const opened = await openStore(env);
let providerUrl = env.PROVIDER_URL;
let provider: FakeProvider | undefined;
if (!providerUrl) {
  provider = new FakeProvider();
  providerUrl = await provider.listen();
}
const api = { store: opened.store, providerUrl, chargeLease: env.ONCELY_CHARGE_LEASE };
const framework = frameworkName(env.ONCELY_FRAMEWORK);
const port = Number(env.PORT ?? 3000);
let url: string;
let closeApi: () => Promise<unknown>;
if (framework === 'hono') {
  const app = buildHonoApi(api);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () =>
      resolve(started),
    );
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeApi = () => new Promise((resolve) => server.close(resolve));
} else {
  const app = await buildApi(api);
  url = await app.listen({ host: '127.0.0.1', port });
  closeApi = () => app.close();
}

async function shutdown() {
  await closeApi();
  await provider?.close();
  await opened.close();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
// Announced after the handlers are in: whoever waits for this line may send SIGTERM at once.
console.log(`listening on ${url} (${framework}; store: ${opened.label}; provider: ${providerUrl})`);
