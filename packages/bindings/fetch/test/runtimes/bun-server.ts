import { scenarioFetch } from './app.js';

// Started by the Bun test with the scenario app's URL and the binding's options (JSON).
const { backend, options } = JSON.parse(process.env.ONCELY_RUNTIME_CONFIG ?? '{}');
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: scenarioFetch(backend, options),
});
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.port}` }));
