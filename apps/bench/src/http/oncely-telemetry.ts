import { idempotency as fastifyIdempotency } from '@oncely/fastify';
import { oncelyStore } from '../libraries/oncely.js';
import type { OrderRequest } from '../libraries/order.js';
import { type TelemetryMode, telemetryListener } from '../libraries/telemetry.js';
import { type AppFactory, newFastify } from './app.js';

/** oncely on Fastify with @oncely/opentelemetry's listener: what telemetry costs per request. */
export function oncelyTelemetryApps(mode: TelemetryMode): AppFactory {
  return {
    fastify: async (target, work) => {
      const { store, close } = await oncelyStore(target);
      const app = newFastify();
      await app.register(fastifyIdempotency, { store, onEvent: telemetryListener(mode) });
      app.post('/orders', async (request, reply) => {
        reply.code(201);
        return work(request.body as OrderRequest);
      });
      app.addHook('onClose', close);
      return app;
    },
  };
}
