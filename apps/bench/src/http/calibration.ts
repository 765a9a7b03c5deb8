import type { OrderRequest } from '../libraries/order.js';
import { type AppFactory, newFastify } from './app.js';

/** Server CPU the calibration handler spends per request on top of the bare handler. */
export const CALIBRATION_MICROSECONDS = 10;

/** Spin (not sleep): the point is CPU the server spends, as middleware would. */
function spin(microseconds: number): void {
  const until = performance.now() + microseconds / 1000;
  while (performance.now() < until) {
    // busy on purpose
  }
}

/**
 * Not a library: the bare Fastify handler plus a fixed amount of CPU per request. It shows what
 * "90% of bare" allows on this machine: the load generator shares the two cores with the
 * server, so a server that becomes the bottleneck also pays for waking the client on every
 * response, and a few microseconds of extra work cost more throughput than their share.
 */
export const calibrationApps: AppFactory = {
  fastify: async (_target, work) => {
    const app = newFastify();
    app.post('/orders', async (request, reply) => {
      spin(CALIBRATION_MICROSECONDS);
      reply.code(201);
      return work(request.body as OrderRequest);
    });
    return app;
  },
};
