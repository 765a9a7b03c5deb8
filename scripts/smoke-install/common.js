// biome-ignore-all lint/correctness/noUnusedVariables: a fragment; the programs after it use these
// What every smoke program shares; the wrapper defines FORMAT and `load` (`import()` or
// `require`) and puts this first.
const framework = (module) => module.default ?? module;
const http = await load('node:http');
const report = [];
const { MemoryStore } = await load('@oncely/memory');

const CHARGE = () => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'idempotency-key': `k-${FORMAT}` },
  body: '{"amount":1}',
});
// Over a real port (the Node bindings), or straight into a fetch handler (the Web ones).
const overHttp = (port) => () => fetch(`http://127.0.0.1:${port}/charges`, CHARGE());
const direct = (handler) => () => handler(new Request('http://localhost/charges', CHARGE()));

async function twice(name, send) {
  const first = await send();
  const again = await send();
  const bodies = [await first.text(), await again.text()];
  if (
    first.status !== 201 ||
    again.headers.get('idempotent-replayed') !== 'true' ||
    bodies[0] !== bodies[1]
  ) {
    throw new Error(
      `${name}: expected 201 then a replay, got ${first.status}, ${again.status} ${bodies}`,
    );
  }
  report.push(`${name}: 201, replayed`);
}

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
