/**
 * Why Express first executions trail (target 1): what storing three own properties on a
 * `ServerResponse` costs before and after `Object.setPrototypeOf`, which Express's `app.init`
 * calls on every response (and then stores `res.locals`). The response hold stores its own
 * `writeHead` / `write` / `end` on the response.
 *
 *   pnpm --filter @oncely/bench exec tsx src/probes/prototype-stores.ts
 *
 * Prints ns per response for each case, median (min-max) over 5 runs of 20 000 responses.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { spread } from '../stats.js';

const RESPONSES = 20_000;
const RUNS = 5;
/** Stands in for Express's `app.response`: an object whose prototype is Node's. */
const appResponse = Object.create(ServerResponse.prototype) as object;
const request = new IncomingMessage(new Socket());
const noop = () => undefined;

type Case = (res: Record<string, unknown>) => void;

const CASES: Record<string, Case> = {
  'new response only': () => undefined,
  'three stores, own prototype': (res) => {
    res.writeHead = noop;
    res.write = noop;
    res.end = noop;
  },
  'setPrototypeOf only': (res) => {
    Object.setPrototypeOf(res, appResponse);
  },
  'setPrototypeOf, then three stores': (res) => {
    Object.setPrototypeOf(res, appResponse);
    res.writeHead = noop;
    res.write = noop;
    res.end = noop;
  },
};

function nsPerResponse(body: Case): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < RESPONSES; i++) {
    body(new ServerResponse(request) as unknown as Record<string, unknown>);
  }
  return Number(process.hrtime.bigint() - started) / RESPONSES;
}

for (const [name, body] of Object.entries(CASES)) {
  nsPerResponse(body);
  const runs = Array.from({ length: RUNS }, () => nsPerResponse(body));
  const figure = spread(runs);
  console.log(
    `${name.padEnd(36)} ${figure.median.toFixed(0).padStart(7)} ns (${figure.min.toFixed(0)}-${figure.max.toFixed(0)})`,
  );
}
