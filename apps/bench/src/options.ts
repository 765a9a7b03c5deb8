import type { PinMode } from './pinning.js';

/** What one `pnpm bench` run does, from its command line. */
export interface BenchOptions {
  quick: boolean;
  /**
   * Rounds: every case runs once per round, in an order that changes from round to round, and
   * every ratio pairs figures of the same round; figures are the median and range over rounds.
   */
  rounds: number;
  /** Pin the server under test and the load generator (with Redis) to separate CPUs. */
  pin: PinMode;
  /** Seconds of load per measured HTTP window (first executions, then replays). */
  httpSeconds: number;
  /** Seconds of unmeasured load before each window (first executions and replays each get one). */
  warmupSeconds: number;
  /** autocannon connections. */
  connections: number;
  /** Seconds per engine phase (first executions, then replays). */
  engineSeconds: number;
  /** Stored-record counts the scale scenario steps through. */
  scaleSteps: number[];
  /** Scale: operations per sample, and samples per step and phase (in blocks for the spread). */
  scaleSampleOperations: number;
  scaleSamples: number;
  /** Requests sent one by one to count store round trips and sample record sizes. */
  accountingRequests: number;
  /** Scenarios to run (all by default). */
  only: Set<ScenarioName>;
  /** Use this Redis instead of starting a dedicated redis-server. */
  redisUrl: string | undefined;
  /** Where results go. */
  outDir: string;
}

export const SCENARIOS = ['engine', 'http', 'accounting', 'memory', 'scale', 'telemetry'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const USAGE = `usage: pnpm bench [--quick] [--rounds N] [--only engine,http,accounting,memory,scale,telemetry]
                  [--pin on|off|auto] [--http-seconds S] [--warmup-seconds S] [--engine-seconds S]
                  [--connections N] [--redis-url redis://host:port] [--out DIR]`;

export function parseOptions(argv: string[], defaultOutDir: string): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (name === 'quick' || name === 'help') {
      flags.set(name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
    flags.set(name, value);
  }
  if (flags.has('help')) {
    console.log(USAGE);
    process.exit(0);
  }
  for (const name of flags.keys()) {
    const known = [
      'quick',
      'rounds',
      'pin',
      'only',
      'http-seconds',
      'warmup-seconds',
      'engine-seconds',
      'connections',
      'redis-url',
      'out',
    ];
    if (!known.includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  }
  const quick = flags.get('quick') === true;
  const number = (name: string, fallback: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!(value > 0)) throw new Error(`--${name} expects a positive number, got ${String(raw)}`);
    return value;
  };
  const only = new Set<ScenarioName>();
  const rawOnly = flags.get('only');
  for (const name of typeof rawOnly === 'string' ? rawOnly.split(',') : SCENARIOS) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new Error(`unknown scenario ${name}; expected one of ${SCENARIOS.join(', ')}`);
    }
    only.add(name as ScenarioName);
  }
  const redisUrl = flags.get('redis-url');
  const out = flags.get('out');
  const pin = flags.get('pin') ?? (quick ? 'auto' : 'on');
  if (pin !== 'on' && pin !== 'off' && pin !== 'auto') {
    throw new Error(`--pin expects on, off or auto, got ${String(pin)}`);
  }
  // Full mode: what the committed results are made with, sized to finish in about 25 minutes on
  // a 2-core machine (see the README). Quick: a few minutes, for development.
  return {
    quick,
    rounds: Math.round(number('rounds', quick ? 2 : 5)),
    pin,
    httpSeconds: number('http-seconds', quick ? 1 : 3),
    // A fresh server's CPU per request is still 1.6-3x its plateau in its second second
    // (the JIT is still optimizing) and settles from about the third (README, Method).
    warmupSeconds: number('warmup-seconds', quick ? 0.3 : 3),
    connections: Math.round(number('connections', quick ? 10 : 50)),
    engineSeconds: number('engine-seconds', quick ? 0.25 : 1),
    scaleSteps: quick ? [1_000, 10_000] : [1_000, 10_000, 100_000, 1_000_000],
    scaleSampleOperations: quick ? 500 : 1_000,
    scaleSamples: quick ? 5 : 40,
    accountingRequests: quick ? 20 : 200,
    only,
    redisUrl: typeof redisUrl === 'string' ? redisUrl : undefined,
    outDir: typeof out === 'string' ? out : defaultOutDir,
  };
}
