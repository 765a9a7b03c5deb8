import {
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import type { OrderRequest } from '../libraries/order.js';
import { powertoolsFunction } from '../libraries/powertools.js';
import type { StoreTarget } from '../libraries/types.js';
import { type AppFactory, newExpress, newFastify, type Work } from './app.js';

/**
 * Powertools has no HTTP integration outside Lambda: the route handler calls the idempotent
 * function (see libraries/powertools.ts) with the Idempotency-Key and the order, and maps its
 * errors to 400/409/422. Redis only.
 */
async function idempotentOrder(target: StoreTarget, work: Work) {
  const { run, close } = await powertoolsFunction(target, work);
  const handle = async (key: string | undefined, order: OrderRequest) => {
    if (!key) return { status: 400, body: { message: 'Idempotency-Key is required' } };
    try {
      return { status: 201, body: await run({ idempotencyKey: key, order }) };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) {
        return { status: 409, body: { message: error.message } };
      }
      if (error instanceof IdempotencyValidationError) {
        return { status: 422, body: { message: error.message } };
      }
      throw error;
    }
  };
  return { handle, close };
}

export const powertoolsApps: AppFactory = {
  express: async (target, work) => {
    const { handle, close } = await idempotentOrder(target, work);
    const app = newExpress();
    app.post('/orders', async (req, res) => {
      const { status, body } = await handle(req.get('idempotency-key'), req.body as OrderRequest);
      res.status(status).json(body);
    });
    app.locals.close = close;
    return app;
  },
  fastify: async (target, work) => {
    const { handle, close } = await idempotentOrder(target, work);
    const app = newFastify();
    app.post('/orders', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const { status, body } = await handle(
        typeof key === 'string' ? key : undefined,
        request.body as OrderRequest,
      );
      reply.code(status);
      return body;
    });
    app.addHook('onClose', close);
    return app;
  },
};
