import type { Framework, LibraryId } from '../libraries/types.js';

export interface InstructionOptions {
  frameworks: Framework[];
  libraries: LibraryId[];
  /** Uncounted requests per key mode before the counted batches. */
  warmupRequests: number;
  /** Requests per counted batch, and how many batches. */
  requests: number;
  batches: number;
  connections: number;
  /** Servers counted at once. */
  parallel: number;
  outDir: string;
}

const USAGE = `usage: pnpm --filter @oncely/bench instructions [--frameworks fastify,express]
       [--libraries baseline,oncely,node-idempotency] [--warmup N] [--requests N] [--batches N]
       [--connections N] [--parallel N] [--out DIR]`;

const FRAMEWORKS: readonly Framework[] = ['fastify', 'express'];
// The libraries with a memory store on both frameworks (express-idempotency is Express only).
const LIBRARIES: readonly LibraryId[] = ['baseline', 'oncely', 'node-idempotency'];

export function parseInstructionOptions(argv: string[], defaultOutDir: string): InstructionOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    if (arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
    flags.set(name, value);
  }
  const known = [
    'frameworks',
    'libraries',
    'warmup',
    'requests',
    'batches',
    'connections',
    'parallel',
    'out',
  ];
  for (const name of flags.keys()) {
    if (!known.includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  }
  const count = (name: string, fallback: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`--${name} must be a whole number of at least 1, got ${raw}`);
    }
    return value;
  };
  const list = <T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: readonly T[],
  ): T[] => {
    const raw = flags.get(name);
    if (raw === undefined) return [...fallback];
    const items = raw.split(',').filter(Boolean);
    for (const item of items) {
      if (!allowed.includes(item as T))
        throw new Error(`--${name}: unknown ${item} (expected ${allowed.join(', ')})`);
    }
    if (items.length === 0) throw new Error(`--${name} names nothing`);
    return items as T[];
  };
  return {
    frameworks: list('frameworks', FRAMEWORKS, ['fastify']),
    libraries: list('libraries', LIBRARIES, LIBRARIES),
    warmupRequests: count('warmup', 15_000),
    requests: count('requests', 3_000),
    batches: count('batches', 5),
    connections: count('connections', 10),
    parallel: count('parallel', 2),
    outDir: flags.get('out') ?? defaultOutDir,
  };
}
