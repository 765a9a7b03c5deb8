import { randomUUID } from 'node:crypto';
import { ConflictError, createIdempotency } from '@oncely/core';
import { probeService } from '@oncely/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { SCRIPTS } from '../src/scripts.js';
import { pingSharedRedis, removeKeys, sharedClient, testPrefix } from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

const scriptNames = new Map(Object.values(SCRIPTS).map((script) => [script.sha, script.name]));

/**
 * Counts what the server received from one connection, through MONITOR on another: other
 * clients share this Redis, so the count is filtered by the store client's address.
 */
class CommandLog {
  private readonly seen: Array<{ source: string; args: string[] }> = [];
  private constructor(private readonly monitor: Redis) {
    monitor.on('monitor', (_time: string, args: string[], source: string) =>
      this.seen.push({ source, args }),
    );
  }

  static async start(client: Redis): Promise<CommandLog> {
    return new CommandLog(await client.monitor());
  }

  /** The commands `client` sent while `work` ran, e.g. ["evalsha:acquire", "evalsha:complete"]. */
  async during(client: Redis, work: () => Promise<unknown>): Promise<string[]> {
    const address = await addressOf(client);
    const start = `start-${randomUUID()}`;
    const end = `end-${randomUUID()}`;
    await client.echo(start);
    await work();
    await client.echo(end);
    await this.waitFor(end);
    const mine = this.seen.filter((entry) => entry.source === address).map((entry) => entry.args);
    const from = mine.findIndex((args) => args[1] === start);
    const to = mine.findIndex((args) => args[1] === end);
    return mine.slice(from + 1, to).map(([name = '', sha = '']) => {
      const command = name.toLowerCase();
      return command === 'evalsha' ? `evalsha:${scriptNames.get(sha) ?? sha}` : command;
    });
  }

  private async waitFor(marker: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (this.seen.some((entry) => entry.args[1] === marker)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('MONITOR did not report the end marker');
  }

  stop(): void {
    this.monitor.disconnect();
  }
}

async function addressOf(client: Redis): Promise<string> {
  const info = String(await client.client('INFO'));
  const address = /(?:^|\s)addr=(\S+)/.exec(info)?.[1];
  if (!address) throw new Error(`cannot read the client address from ${info}`);
  return address;
}

describe.skipIf(!redis.available)('round trips through the engine', () => {
  const prefix = testPrefix('round-trips');
  let client: Redis;
  let other: Redis;
  let log: CommandLog;
  let store: RedisStore;

  beforeAll(async () => {
    client = sharedClient();
    other = sharedClient();
    // The one-time eviction-policy check would add a CONFIG GET to the first call.
    store = new RedisStore({ client, prefix, checkEvictionPolicy: false });
    log = await CommandLog.start(sharedClient());
    // Warm up: the server has now seen every script, so EVALSHA finds them.
    const warm = createIdempotency({ store });
    await warm.run({ key: `warm-${randomUUID()}` }, () => 'warm');
  });

  afterAll(async () => {
    log.stop();
    await removeKeys(client, prefix);
    client.disconnect();
    other.disconnect();
  });

  it('first execution = SET NX GET + complete; replay = SET NX GET; conflict also asks the acquire script', async () => {
    const idempotency = createIdempotency({ store });
    const key = `order-${randomUUID()}`;
    let runs = 0;
    const handler = () => {
      runs += 1;
      return { charged: 42 };
    };

    const first = await log.during(client, () =>
      idempotency.run({ key, request: { amount: 42 } }, handler),
    );
    expect(first).toEqual(['set', 'evalsha:complete']);

    const replay = await log.during(client, async () => {
      const outcome = await idempotency.run({ key, request: { amount: 42 } }, handler);
      expect(outcome).toMatchObject({ status: 'replayed', value: { charged: 42 } });
    });
    expect(replay).toEqual(['set']);
    expect(runs).toBe(1);

    // A slow first attempt holds another key through a second connection.
    const busyKey = `busy-${randomUUID()}`;
    const holder = createIdempotency({
      store: new RedisStore({ client: other, prefix, checkEvictionPolicy: false }),
    });
    let finish: () => void = () => undefined;
    let started: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = holder.run({ key: busyKey }, () => {
      started();
      return new Promise<string>((resolve) => {
        finish = () => resolve('done');
      });
    });
    await holding;
    const conflict = await log.during(client, async () => {
      await expect(idempotency.run({ key: busyKey }, handler)).rejects.toBeInstanceOf(
        ConflictError,
      );
    });
    // The record is in progress: only the script may judge its lease (and take it over).
    expect(conflict).toEqual(['set', 'evalsha:acquire']);
    finish();
    await slow;
    expect(runs).toBe(1);
  });
});
