/**
 * What one store operation costs, in figures that do not depend on how busy the machine is:
 * Redis server CPU per operation (INFO cpu), each command's time inside Redis (INFO
 * commandstats), commands sent per operation (MONITOR), and this process's CPU per operation
 * (process.cpuUsage: the store plus ioredis). Runs a dedicated redis-server on a free port.
 *
 *   pnpm --filter @oncely/redis exec tsx bench/cost.ts [--ops 20000] [--concurrency 16]
 *     [--rounds 3] [--driver ioredis5|ioredis6] [--autopipelining] [--result-bytes 300]
 *
 * STORE_SRC=<path to another copy's index.ts> measures that copy instead, for before/after
 * pairs run one after the other on the same machine.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { RedisServer } from '@oncely/testing/redis-server';

const { RedisStore } = (await import(
  process.env.STORE_SRC ?? '../src/index.js'
)) as typeof import('../src/index.js');

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    driver: { type: 'string', default: 'ioredis5' },
    autopipelining: { type: 'boolean', default: false },
    'result-bytes': { type: 'string', default: '300' },
  },
});
const ops = Number(values.ops);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const { Redis } = (await import(values.driver)) as typeof import('ioredis');

const server = await RedisServer.start();
const admin = new Redis(server.port);
const client = new Redis(server.port, { enableAutoPipelining: values.autopipelining });
const store = new RedisStore({ client, prefix: 'bench:', checkEvictionPolicy: false });

const fingerprint = 'a'.repeat(64);
const result = Buffer.alloc(Number(values['result-bytes']), 0x78);
const lease = { leaseMs: 30_000, ttlMs: 86_400_000 };

async function first(key: string): Promise<void> {
  const token = randomUUID();
  const acquired = await store.acquire({ key, fingerprint, token, ...lease });
  if (!acquired.acquired) throw new Error(`not acquired: ${key}`);
  const stored = await store.complete({
    key,
    token,
    fence: acquired.fence,
    result,
    ttlMs: lease.ttlMs,
  });
  if (!stored) throw new Error(`not stored: ${key}`);
}

async function replay(key: string): Promise<void> {
  const found = await store.acquire({ key, fingerprint, token: randomUUID(), ...lease });
  if (found.acquired || found.record.state !== 'completed') throw new Error(`no replay: ${key}`);
}

/** `count` operations, `concurrency` in flight at all times. */
async function drive(count: number, operation: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await operation(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

function field(text: string, name: string): number {
  return Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1]);
}

async function redisCpuSeconds(): Promise<number> {
  const text = await admin.info('cpu');
  return field(text, 'used_cpu_user') + field(text, 'used_cpu_sys');
}

type Stats = Record<string, { calls: number; usec: number }>;
async function commandStats(): Promise<Stats> {
  const text = await admin.info('commandstats');
  const stats: Stats = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    stats[m[1] as string] = { calls: Number(m[2]), usec: Number(m[3]) };
  }
  return stats;
}

/** Commands clients send per operation, as MONITOR sees them (Lua's own calls left out). */
async function commandsPerOp(count: number, operation: (i: number) => Promise<void>) {
  const monitor = await admin.monitor();
  const seen: Record<string, number> = {};
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const name = String(args[0]).toLowerCase();
    if (name === 'info' || name === 'echo') return;
    seen[name] = (seen[name] ?? 0) + 1;
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await drive(count, operation);
  const fence = `fence-${Math.random()}`;
  await new Promise<void>((resolve) => {
    monitor.on('monitor', (_t: string, args: string[]) => {
      if (args.includes(fence)) resolve();
    });
    void admin.echo(fence);
  });
  monitor.disconnect();
  return Object.fromEntries(Object.entries(seen).map(([name, n]) => [name, n / count]));
}

async function measure(label: string, count: number, operation: (i: number) => Promise<void>) {
  const statsBefore = await commandStats();
  const redisBefore = await redisCpuSeconds();
  const appBefore = process.cpuUsage();
  const started = performance.now();
  await drive(count, operation);
  const seconds = (performance.now() - started) / 1000;
  const app = process.cpuUsage(appBefore);
  const redisAfter = await redisCpuSeconds();
  const statsAfter = await commandStats();
  const perCommand: Record<string, string> = {};
  for (const [name, after] of Object.entries(statsAfter)) {
    const before = statsBefore[name] ?? { calls: 0, usec: 0 };
    const calls = after.calls - before.calls;
    if (calls <= 0 || name === 'info') continue;
    perCommand[name] =
      `${(calls / count).toFixed(2)}/op ${((after.usec - before.usec) / calls).toFixed(2)}µs`;
  }
  return {
    label,
    redisCpuUs: ((redisAfter - redisBefore) * 1e6) / count,
    appCpuUs: (app.user + app.system) / count,
    opsPerSecond: count / seconds,
    perCommand,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// Warm up the JIT and the script cache.
await drive(2000, (i) => first(`warm:${i}`));
await drive(2000, (i) => replay(`warm:${i % 2000}`));

const results: Record<string, Array<Awaited<ReturnType<typeof measure>>>> = {
  first: [],
  replay: [],
};
for (let round = 0; round < rounds; round++) {
  const prefix = `r${round}:${randomUUID()}`;
  results.first?.push(await measure('first', ops, (i) => first(`${prefix}:${i}`)));
  results.replay?.push(await measure('replay', ops, (i) => replay(`${prefix}:${i % 1000}`)));
}
const monitoredPrefix = `m:${randomUUID()}`;
const commands = {
  first: await commandsPerOp(500, (i) => first(`${monitoredPrefix}:${i}`)),
  replay: await commandsPerOp(500, (i) => replay(`${monitoredPrefix}:${i}`)),
};

console.log(
  `driver ${values.driver}, autoPipelining ${values.autopipelining}, ${ops} ops x ${rounds} rounds, ${concurrency} in flight, result ${result.length} B`,
);
for (const phase of ['first', 'replay'] as const) {
  const list = results[phase] ?? [];
  const redis = list.map((r) => r.redisCpuUs);
  const app = list.map((r) => r.appCpuUs);
  const rate = list.map((r) => r.opsPerSecond);
  console.log(
    `${phase.padEnd(6)} redis CPU ${median(redis).toFixed(1)} µs/op (${Math.min(...redis).toFixed(1)}-${Math.max(...redis).toFixed(1)})` +
      `  app CPU ${median(app).toFixed(1)} µs/op (${Math.min(...app).toFixed(1)}-${Math.max(...app).toFixed(1)})` +
      `  ${Math.round(median(rate))} ops/s (wall clock, load-dependent)` +
      `  commands/op ${JSON.stringify(commands[phase])}`,
  );
  console.log(
    `       inside Redis: ${JSON.stringify(list[Math.floor(list.length / 2)]?.perCommand)}`,
  );
}

await store.close();
client.disconnect();
admin.disconnect();
await server.stop();
