/** What one `pnpm bench` run does, from its command line. */
export interface BenchOptions {
  quick: boolean;
  /** Repetitions of every measurement; figures are their median. */
  runs: number;
  /** Seconds of load per HTTP measurement. */
  httpSeconds: number;
  /** autocannon connections. */
  connections: number;
  /** Seconds per engine phase (first executions, then replays). */
  engineSeconds: number;
  /** Stored-record counts the scale scenario steps through. */
  scaleSteps: number[];
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

const USAGE = `usage: pnpm bench [--quick] [--runs N] [--only engine,http,accounting,memory,scale,telemetry]
                  [--http-seconds S] [--engine-seconds S] [--connections N]
                  [--redis-url redis://host:port] [--out DIR]`;

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
      'runs',
      'only',
      'http-seconds',
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
  return {
    quick,
    runs: Math.round(number('runs', quick ? 1 : 3)),
    httpSeconds: number('http-seconds', quick ? 1 : 2),
    connections: Math.round(number('connections', quick ? 10 : 50)),
    engineSeconds: number('engine-seconds', quick ? 0.25 : 1),
    scaleSteps: quick ? [1_000, 10_000] : [1_000, 10_000, 100_000, 1_000_000],
    accountingRequests: quick ? 20 : 200,
    only,
    redisUrl: typeof redisUrl === 'string' ? redisUrl : undefined,
    outDir: typeof out === 'string' ? out : defaultOutDir,
  };
}
