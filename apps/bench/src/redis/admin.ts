import { Redis } from 'ioredis';

/** CPU seconds the Redis server process has used (user + system), from INFO cpu. */
export async function serverCpuSeconds(client: Redis): Promise<number> {
  const text = await client.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1]);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Calls per command name, from INFO commandstats. */
export type CommandCounts = Record<string, number>;

export async function commandStats(client: Redis): Promise<CommandCounts> {
  const text = await client.info('commandstats');
  const counts: CommandCounts = {};
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    counts[match[1] as string] = Number(match[2]);
  }
  return counts;
}

/**
 * What ran between two snapshots, without the INFO calls that took them and the ECHO a
 * RoundTripMonitor sends to know it has seen everything (no library sends either). Note that Redis
 * counts the commands a Lua script runs (redis.call) here too, under their own names.
 */
export function commandDelta(before: CommandCounts, after: CommandCounts): CommandCounts {
  const delta: CommandCounts = {};
  for (const [name, calls] of Object.entries(after)) {
    if (name === 'info' || name === 'echo') continue;
    const change = calls - (before[name] ?? 0);
    if (change > 0) delta[name] = change;
  }
  return delta;
}

/** Arguments of the counter's own commands start with this, so it never counts itself. */
const OWN_MARK = 'oncely-bench-monitor-fence:';

/**
 * Counts the commands clients send that touch keys containing `marker`, as the server sees
 * them (MONITOR). Commands a Lua script runs show with source "lua" and are not round trips,
 * so they are left out; EVALSHA and friends are counted once. INFO is left out too.
 */
export class RoundTripMonitor {
  private count = 0;
  private readonly byCommand = new Map<string, number>();
  private constructor(
    private readonly client: Redis,
    private readonly monitor: Redis,
  ) {}

  /**
   * `marker`: count only commands with an argument containing it (on a shared server); leave
   * it out on a dedicated server to count every command clients send.
   */
  static async start(url: string, marker?: string): Promise<RoundTripMonitor> {
    const client = new Redis(url);
    const monitor = await client.monitor();
    const counter = new RoundTripMonitor(client, monitor);
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua') return;
      // INFO is how the benchmark reads commandstats; no library sends it per request.
      if (String(args[0]).toLowerCase() === 'info') return;
      if (args.some((arg) => typeof arg === 'string' && arg.startsWith(OWN_MARK))) return;
      if (marker && !args.some((arg) => typeof arg === 'string' && arg.includes(marker))) return;
      counter.count++;
      const name = String(args[0]).toLowerCase();
      counter.byCommand.set(name, (counter.byCommand.get(name) ?? 0) + 1);
    });
    // Wait until MONITOR shows our own marker command, so it is live before measured traffic.
    await counter.take();
    return counter;
  }

  /** Wait for in-flight MONITOR lines, then return the counts since the last reset. */
  async take(): Promise<{ total: number; byCommand: Record<string, number> }> {
    const fence = `${OWN_MARK}${Math.random()}`;
    let seen = false;
    const onLine = (_time: string, args: string[]) => {
      if (args.includes(fence)) seen = true;
    };
    this.monitor.on('monitor', onLine);
    await this.client.echo(fence);
    for (let i = 0; i < 400 && !seen; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    this.monitor.off('monitor', onLine);
    if (!seen) throw new Error('MONITOR did not show the fence command');
    const result = { total: this.count, byCommand: Object.fromEntries(this.byCommand) };
    this.reset();
    return result;
  }

  reset(): void {
    this.count = 0;
    this.byCommand.clear();
  }

  async stop(): Promise<void> {
    this.monitor.disconnect();
    this.client.disconnect();
  }
}

/** Every key that matches `pattern` (SCAN, never KEYS). */
export async function scanKeys(client: Redis, pattern: string, limit = Number.POSITIVE_INFINITY) {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [nextCursor, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = nextCursor;
    keys.push(...batch);
  } while (cursor !== '0' && keys.length < limit);
  return keys;
}

/** Remove every key under `prefix` with SCAN + UNLINK; never FLUSHALL (the server may be shared). */
export async function deleteByPrefix(client: Redis, prefix: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [nextCursor, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = nextCursor;
    if (batch.length) removed += await client.unlink(...batch);
  } while (cursor !== '0');
  return removed;
}

/** Bytes Redis reports for these keys (MEMORY USAGE ... SAMPLES 0: exact for our small values). */
export async function memoryUsage(client: Redis, keys: string[]): Promise<number[]> {
  const pipeline = client.pipeline();
  for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, bytes]) => {
    if (error) throw error;
    return Number(bytes);
  });
}
