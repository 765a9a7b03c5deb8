import { getSharedIdempotencyService, idempotency } from 'express-idempotency';
import RedisAdapterModule from 'express-idempotency-redis-adapter';
import type { OrderRequest } from '../libraries/order.js';
import { type AppFactory, newExpress } from './app.js';

// The adapter is CommonJS with `exports.default`; under ESM the class sits one level down.
type RedisAdapterClass = (typeof RedisAdapterModule)['default'];
const RedisAdapter = ((RedisAdapterModule as unknown as { default?: RedisAdapterClass }).default ??
  RedisAdapterModule) as RedisAdapterClass;

/**
 * express-idempotency as its README shows: the middleware on the route, `isHit(req)` checked
 * first in the handler. Memory: its default in-memory adapter. Redis: express-idempotency-redis-
 * adapter with `connectionConfig: { url }`, connected before use. The library uses the raw
 * Idempotency-Key as the Redis key (no prefix option), so the load generator puts this run's
 * prefix into the keys it sends. Express only: it has no Fastify integration.
 */
export const expressIdempotencyApps: AppFactory = {
  express: async (target, work) => {
    let dataAdapter: InstanceType<typeof RedisAdapter> | undefined;
    if (target.kind === 'redis') {
      dataAdapter = new RedisAdapter({ connectionConfig: { url: target.redisUrl } });
      await dataAdapter.connect();
    }
    const app = newExpress();
    app.post('/orders', idempotency(dataAdapter ? { dataAdapter } : {}), (req, res) => {
      if (getSharedIdempotencyService().isHit(req)) return;
      res.status(201).json(work(req.body as OrderRequest));
    });
    app.locals.close = async () => {
      await dataAdapter?.disconnect();
    };
    return app;
  },
};
