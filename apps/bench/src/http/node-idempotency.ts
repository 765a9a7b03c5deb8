import { IdempotencyError, IdempotencyErrorCodes } from '@node-idempotency/core';
import type express from 'express';
import { nodeIdempotency } from '../libraries/node-idempotency.js';
import type { OrderRequest } from '../libraries/order.js';
import { type AppFactory, newExpress, newFastify } from './app.js';

const STATUS_FOR: Record<string, number> = {
  [IdempotencyErrorCodes.REQUEST_IN_PROGRESS]: 409,
  [IdempotencyErrorCodes.IDEMPOTENCY_FINGERPRINT_MISSMATCH]: 422,
  [IdempotencyErrorCodes.IDEMPOTENCY_KEY_LEN_EXEEDED]: 400,
  [IdempotencyErrorCodes.IDEMPOTENCY_KEY_MISSING]: 400,
};

function problem(error: unknown): { status: number; message: string } {
  if (error instanceof IdempotencyError) {
    return { status: STATUS_FOR[error.code] ?? 500, message: error.message };
  }
  throw error;
}

/**
 * @node-idempotency/core wired the way its own Express middleware and Fastify plugin wire it
 * (those two packages are not on the registry this benchmark can reach, so this is the same
 * flow written here): `onRequest` before the handler, replay the cached body with
 * `Idempotent-Replayed: true`, and `onResponse` with the body and status after the first run.
 * Express stores after `send` without waiting (as their middleware does); Fastify stores in
 * `onSend` and waits (as their plugin does). Unlike their plugin, a replay is not stored again.
 */
export const nodeIdempotencyApps: AppFactory = {
  express: async (target, work) => {
    const { idempotency, close } = await nodeIdempotency(target);
    const app = newExpress();
    const guard: express.RequestHandler = async (req, res, next) => {
      const params = { headers: req.headers, body: req.body, path: req.url, method: req.method };
      try {
        const cached = await idempotency.onRequest(params);
        if (cached) {
          res.status(Number(cached.additional?.statusCode ?? 200));
          res.setHeader('idempotent-replayed', 'true');
          res.json(cached.body);
          return;
        }
      } catch (error) {
        const { status, message } = problem(error);
        res.status(status).json({ message });
        return;
      }
      const send = res.send.bind(res);
      res.send = (body?: unknown) => {
        const payload = typeof body === 'string' ? JSON.parse(body) : body;
        void idempotency
          .onResponse(params, { body: payload, additional: { statusCode: res.statusCode } })
          .catch(() => {});
        return send(body);
      };
      next();
    };
    app.post('/orders', guard, (req, res) => {
      res.status(201).json(work(req.body as OrderRequest));
    });
    app.locals.close = close;
    return app;
  },
  fastify: async (target, work) => {
    const { idempotency, close } = await nodeIdempotency(target);
    const app = newFastify();
    const firstRun = new WeakSet<object>();
    const params = (request: { headers: object; body: unknown; url: string; method: string }) => ({
      headers: request.headers as Record<string, unknown>,
      body: request.body as Record<string, unknown>,
      path: request.url,
      method: request.method,
    });
    app.addHook('preHandler', async (request, reply) => {
      try {
        const cached = await idempotency.onRequest(params(request));
        if (!cached) {
          firstRun.add(request);
          return;
        }
        reply.code(Number(cached.additional?.statusCode ?? 200));
        reply.header('idempotent-replayed', 'true');
        return reply.send(cached.body);
      } catch (error) {
        const { status, message } = problem(error);
        return reply.code(status).send({ message });
      }
    });
    app.addHook('onSend', async (request, reply, payload) => {
      if (!firstRun.has(request)) return payload;
      const body = typeof payload === 'string' ? JSON.parse(payload) : payload;
      await idempotency.onResponse(params(request), {
        body,
        additional: { statusCode: reply.statusCode },
      });
      return payload;
    });
    app.post('/orders', async (request, reply) => {
      reply.code(201);
      return work(request.body as OrderRequest);
    });
    app.addHook('onClose', close);
    return app;
  },
};
