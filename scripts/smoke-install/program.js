// The smoke program of the project with every package, after common.js and before nest.js:
// each package loaded and used once for real.
const { createIdempotency } = await load('@oncely/core');
const { runStoreConformance } = await load('@oncely/conformance');
if (typeof runStoreConformance !== 'function')
  throw new Error('@oncely/conformance: no runStoreConformance');

async function once(name, store) {
  const idempotency = createIdempotency({ store });
  const key = `smoke-${FORMAT}-${process.pid}-${Date.now()}`;
  const first = await idempotency.run({ key }, () => 'ran');
  const again = await idempotency.run({ key }, () => 'ran twice');
  if (first.status !== 'executed' || again.status !== 'replayed' || again.value !== 'ran') {
    throw new Error(
      `${name}: expected executed then replayed, got ${first.status}, ${again.status}`,
    );
  }
  report.push(`${name}: executed, replayed`);
}

async function service(name, use) {
  try {
    await use();
  } catch (error) {
    // Locally a missing server is a skip with a reason; under CI it fails the run.
    if (process.env.CI || !/ECONNREFUSED|connect/i.test(String(error?.message))) throw error;
    report.push(`${name}: SKIPPED, server unreachable (${error.message})`);
  }
}

await once('@oncely/memory', new MemoryStore());

const { RedisStore } = await load('@oncely/redis');
const { Redis } = await load('ioredis');
await service('@oncely/redis', async () => {
  const client = new Redis('redis://127.0.0.1:6379', {
    lazyConnect: true,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await once(
      '@oncely/redis (ioredis 6)',
      new RedisStore({ client, prefix: `oncely-smoke:${process.pid}:` }),
    );
    const keys = await client.keys(`oncely-smoke:${process.pid}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
});

const { PostgresStore } = await load('@oncely/postgres');
const pg = framework(await load('pg'));
await service('@oncely/postgres', async () => {
  const pool = new pg.Pool({
    connectionString: 'postgres://postgres@127.0.0.1:5432/test',
    max: 2,
  });
  pool.on('error', () => {});
  const schema = `oncely_test_smoke_${FORMAT}_${process.pid}`;
  try {
    const store = new PostgresStore({ pool, schema });
    await store.migrate();
    await once('@oncely/postgres', store);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await pool.end();
  }
});

// DynamoDB Local is started by the dynamodb package's own tests only: construct, no call.
const { DynamoDBStore } = await load('@oncely/dynamodb');
const { DynamoDBClient } = await load('@aws-sdk/client-dynamodb');
const dynamo = new DynamoDBClient({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
if (!new DynamoDBStore({ client: dynamo, tableName: 'smoke' }).capabilities)
  throw new Error('@oncely/dynamodb: no capabilities');
dynamo.destroy();
report.push('@oncely/dynamodb: constructed');

{
  const express = framework(await load('express'));
  const { idempotency } = await load('@oncely/express');
  let n = 0;
  const app = express();
  app.use(express.json());
  app.use(idempotency({ store: new MemoryStore(), required: true }));
  app.post('/charges', (req, res) => res.status(201).json({ id: ++n, amount: req.body.amount }));
  const server = await listen(http.createServer(app));
  await twice('@oncely/express (express 5)', overHttp(server.address().port));
  server.close();
}
{
  const Fastify = framework(await load('fastify'));
  const { idempotency } = await load('@oncely/fastify');
  let n = 0;
  const app = Fastify();
  await app.register(idempotency, { store: new MemoryStore(), required: true });
  app.post('/charges', async (request, reply) =>
    reply.code(201).send({ id: ++n, amount: request.body.amount }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  await twice('@oncely/fastify (fastify 5)', overHttp(app.server.address().port));
  // The client half against the same app: one key for two calls, the second one a replay.
  const { createClient } = await load('@oncely/client');
  const client = createClient();
  const url = `http://127.0.0.1:${app.server.address().port}/charges`;
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"amount":2}',
    idempotencyKey: `client-${FORMAT}`,
  };
  const first = await client.fetch(url, init);
  const again = await client.fetch(url, init);
  if (
    first.status !== 201 ||
    !again.idempotency.replayed ||
    again.idempotency.key !== init.idempotencyKey
  ) {
    throw new Error(
      `@oncely/client: expected 201 then a replay, got ${first.status}, ${again.status}`,
    );
  }
  report.push('@oncely/client: 201, replayed');
  await app.close();
}
{
  const Koa = framework(await load('koa'));
  const { idempotency } = await load('@oncely/koa');
  let n = 0;
  const app = new Koa();
  app.use(idempotency({ store: new MemoryStore(), required: true }));
  app.use(async (ctx) => {
    ctx.status = 201;
    ctx.body = { id: ++n };
  });
  const server = await listen(http.createServer(app.callback()));
  await twice('@oncely/koa (koa 3)', overHttp(server.address().port));
  server.close();
}

{
  // The API only (the SDK is the user's): a tracer provider that records span names shows the
  // listener reached the installed @opentelemetry/api; metrics go to its no-op meter.
  const { oncelyTelemetry } = await load('@oncely/opentelemetry');
  const spans = [];
  const span = { end() {}, setStatus() {}, recordException() {}, setAttribute: () => span };
  const tracerProvider = {
    getTracer: () => ({
      startSpan: (name, options) => {
        spans.push(`${name} ${options.attributes['oncely.outcome']}`);
        return span;
      },
    }),
  };
  const idempotency = createIdempotency({
    store: new MemoryStore(),
    onEvent: oncelyTelemetry({ tracerProvider }),
  });
  await idempotency.run({ key: `otel-${FORMAT}` }, () => 'ran');
  await idempotency.run({ key: `otel-${FORMAT}` }, () => 'ran twice');
  if (spans.join() !== 'oncely executed,oncely replayed') {
    throw new Error(`@oncely/opentelemetry: expected two spans, got ${spans.join()}`);
  }
  report.push('@oncely/opentelemetry: a span per operation (executed, replayed)');
}

// The Web-standard bindings: called with `Request` objects, as a runtime calls a fetch handler.
{
  const { withIdempotency } = await load('@oncely/fetch');
  let n = 0;
  const handler = withIdempotency(
    async (request) => Response.json({ id: ++n, ...(await request.json()) }, { status: 201 }),
    { store: new MemoryStore(), required: true },
  );
  await twice('@oncely/fetch', direct(handler));
}
{
  const { Hono } = await load('hono');
  const { idempotency } = await load('@oncely/hono');
  let n = 0;
  const app = new Hono();
  app.use(idempotency({ store: new MemoryStore(), required: true }));
  app.post('/charges', async (c) => c.json({ id: ++n, ...(await c.req.json()) }, 201));
  await twice(
    '@oncely/hono (hono 4)',
    direct((request) => app.fetch(request)),
  );
}
