import { idempotency as expressIdempotency } from '@oncely/express';
import { idempotency as fastifyIdempotency } from '@oncely/fastify';
import { oncelyStore } from '../libraries/oncely.js';
import type { OrderRequest } from '../libraries/order.js';
import { type AppFactory, newExpress, newFastify } from './app.js';

/**
 * oncely as the binding READMEs show: Express `app.use(express.json())` then the middleware on
 * the route; Fastify `app.register(idempotency, { store })`. Default options everywhere.
 */
export const oncelyApps: AppFactory = {
  express: async (target, work) => {
    const { store, close } = await oncelyStore(target);
    const app = newExpress();
    app.post('/orders', expressIdempotency({ store }), (req, res) => {
      res.status(201).json(work(req.body as OrderRequest));
    });
    app.locals.close = close;
    return app;
  },
  fastify: async (target, work) => {
    const { store, close } = await oncelyStore(target);
    const app = newFastify();
    await app.register(fastifyIdempotency, { store });
    app.post('/orders', async (request, reply) => {
      reply.code(201);
      return work(request.body as OrderRequest);
    });
    app.addHook('onClose', close);
    return app;
  },
};
