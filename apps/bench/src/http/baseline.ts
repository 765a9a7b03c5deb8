import type { OrderRequest } from '../libraries/order.js';
import { type AppFactory, newExpress, newFastify } from './app.js';

/** The bare handler: parse the order, run the logic, answer 201. No idempotency. */
export const baselineApps: AppFactory = {
  express: async (_target, work) => {
    const app = newExpress();
    app.post('/orders', (req, res) => {
      res.status(201).json(work(req.body as OrderRequest));
    });
    return app;
  },
  fastify: async (_target, work) => {
    const app = newFastify();
    app.post('/orders', async (request, reply) => {
      reply.code(201);
      return work(request.body as OrderRequest);
    });
    return app;
  },
};
