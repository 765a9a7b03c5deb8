import type { HttpIdempotencyOptions, Store } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { afterAll } from 'vitest';
import { ScenarioApp } from '../app.js';
import type { HttpScenarioTarget, ScenarioServer } from '../run.js';
import type { SeamOptions } from './options.js';

export interface SeamServer {
  app: ScenarioApp;
  url(path: string): string;
}

export type StartSeam = (
  seams: SeamOptions,
  options?: Partial<HttpIdempotencyOptions>,
) => Promise<SeamServer>;

/** A starter for one describe block: servers with seams, all closed after it. */
export function seamStarter(target: HttpScenarioTarget): StartSeam {
  const open: ScenarioServer[] = [];
  afterAll(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (seams, options = {}) => {
    const app = new ScenarioApp();
    const store = options.store ?? (await storeOf(target));
    const server = await target.startServer({
      app,
      idempotency: { lease: '10s', ...options, store },
      seams,
    });
    open.push(server);
    return { app, url: (path) => `${server.url}${path}` };
  };
}

/** A fresh store of the kind the target runs its scenarios on. */
export async function storeOf(target: HttpScenarioTarget): Promise<Store> {
  return (target.createStore ?? (() => new MemoryStore()))();
}

export const problemType = (code: string, base = 'https://oncely.dev/problems/') =>
  `${base}${code}`;

/** Wait until `done()` holds (the machine may be loaded: polls, no fixed sleep). */
export async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
}
