import { buildApi } from './api.js';
import { FakeProvider } from './provider.js';
import { openStore } from './store.js';

/**
 * The API as a process: `pnpm --filter @oncely/demo serve`. The store comes from
 * `ONCELY_STORE` (see store.ts); `PORT` (default 3000; 0 for any free port) and
 * `PROVIDER_URL` (default: a fake provider started in this process). It prints one line,
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
const app = await buildApi({
  store: opened.store,
  providerUrl,
  chargeLease: env.ONCELY_CHARGE_LEASE,
});
const url = await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 3000) });
console.log(`listening on ${url} (store: ${opened.label}; provider: ${providerUrl})`);

async function shutdown() {
  await app.close();
  await provider?.close();
  await opened.close();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
