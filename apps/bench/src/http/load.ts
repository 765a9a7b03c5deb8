import autocannon from 'autocannon';
import { SAMPLE_ORDER_JSON } from '../libraries/order.js';

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Non-2xx answers plus connection errors and timeouts. */
  errors: number;
}

export interface LoadPlan {
  port: number;
  /** Load for this long... */
  seconds?: number;
  /** ...or send exactly this many requests. */
  amount?: number;
  connections: number;
  /** Keys to send, one per request, in order; called once per request. */
  nextKey: () => string;
}

/**
 * Load a server with autocannon (as a library, in this process: never the server's). Every
 * request is a POST /orders with the same JSON order and the Idempotency-Key `nextKey()` gives.
 */
export async function load(plan: LoadPlan): Promise<LoadResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${plan.port}`,
    connections: plan.connections,
    ...(plan.amount === undefined ? { duration: plan.seconds ?? 1 } : { amount: plan.amount }),
    requests: [
      {
        method: 'POST',
        path: '/orders',
        headers: { 'content-type': 'application/json' },
        body: SAMPLE_ORDER_JSON,
        setupRequest: (request) => {
          request.headers = { ...request.headers, 'idempotency-key': plan.nextKey() };
          return request;
        },
      },
    ],
  });
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    requestsPerSecond: requests / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** One request, waited for: to seed replay keys and to count round trips request by request. */
export async function postOrder(port: number, key: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: SAMPLE_ORDER_JSON,
  });
  await response.arrayBuffer();
  return response.status;
}
