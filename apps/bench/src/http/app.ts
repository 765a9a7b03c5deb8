import type { Server } from 'node:http';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Order, OrderRequest } from '../libraries/order.js';
import type { Framework, StoreTarget } from '../libraries/types.js';

/** The business logic a server protects; the server counts how often it really runs. */
export type Work = (request: OrderRequest) => Order;

/** A server listening on 127.0.0.1, ready for load. */
export interface RunningApp {
  port: number;
  close(): Promise<void>;
}

/** How a library builds its server for a framework and a store. */
export interface AppFactory {
  express?: (target: StoreTarget, work: Work) => Promise<express.Express>;
  fastify?: (target: StoreTarget, work: Work) => Promise<FastifyInstance>;
}

export function newExpress(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json());
  return app;
}

export function newFastify(): FastifyInstance {
  return Fastify({ logger: false });
}

export async function listen(
  factory: AppFactory,
  framework: Framework,
  target: StoreTarget,
  work: Work,
): Promise<RunningApp> {
  if (framework === 'express') {
    if (!factory.express) throw new Error('this library has no Express integration');
    const app = await factory.express(target, work);
    const server: Server = await new Promise((resolve, reject) => {
      const listening = app.listen(0, '127.0.0.1', (error?: Error) =>
        error ? reject(error) : resolve(listening),
      );
    });
    server.keepAliveTimeout = 60_000;
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('no address');
    return {
      port: address.port,
      close: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        // Express has no close hook: factories leave their cleanup in app.locals.close.
        const cleanup = app.locals.close as (() => Promise<void>) | undefined;
        await cleanup?.();
      },
    };
  }
  if (!factory.fastify) throw new Error('this library has no Fastify integration');
  const app = await factory.fastify(target, work);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return {
    port: address.port,
    close: async () => {
      await app.close();
    },
  };
}
