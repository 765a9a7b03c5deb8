import type { HttpIdempotencyOptions, Store } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { ScenarioApp } from '../app.js';
import type { HttpScenarioTarget, ScenarioServer, ScenarioServerOptions } from '../run.js';
import { type HttpParserModel, nodeParser } from './parsers.js';

export interface Started {
  app: ScenarioApp;
  server: ScenarioServer;
  /** The server's base URL, e.g. `http://127.0.0.1:41234`. */
  base: string;
  url(path: string): string;
}

/** Starts servers for one target and closes them all at the end. */
export class Servers {
  private readonly open: ScenarioServer[] = [];

  constructor(private readonly target: HttpScenarioTarget) {}

  /** What the target's HTTP server refuses before any handler runs. */
  get parser(): HttpParserModel {
    return this.target.parser ?? nodeParser;
  }

  async start(
    options: Partial<HttpIdempotencyOptions> = {},
    store?: Store,
    mount: Pick<ScenarioServerOptions, 'compress'> = {},
  ): Promise<Started> {
    const app = new ScenarioApp();
    const server = await this.target.startServer({
      ...mount,
      app,
      idempotency: {
        lease: '10s',
        ...options,
        store: store ?? (await (this.target.createStore ?? (() => new MemoryStore()))()),
      },
    });
    this.open.push(server);
    return { app, server, base: server.url, url: (path) => `${server.url}${path}` };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((server) => server.close()));
  }
}

/**
 * fast-check settings: the seed comes from `ONCELY_FC_SEED` when set (to replay a failure) and
 * is printed by fast-check in the failure message; the run count stays moderate for CI.
 */
export function checkSettings(numRuns: number): { numRuns: number; seed: number } {
  const fromEnv = process.env.ONCELY_FC_SEED ? Number(process.env.ONCELY_FC_SEED) : Number.NaN;
  const seed = Number.isSafeInteger(fromEnv)
    ? fromEnv
    : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
  return { numRuns, seed };
}
