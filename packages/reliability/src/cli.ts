/**
 * The full-scale runs: `pnpm --filter @oncely/reliability storm [--store redis,postgres]
 * [--scenario storm,crash,outage,slow]`. Every scenario on every store whose service is
 * reachable (a missing one is reported and skipped), figures printed as they come; the exit
 * code is 1 if any scenario broke a promise.
 */
import { parseArgs } from 'node:util';
import { startDynamoDBLocal } from '@oncely/testing/dynamodb-local';
import {
  type Backend,
  dynamodbBackend,
  memoryBackend,
  postgresBackend,
  redisBackend,
} from './backends.js';
import { type Figures, formatFigures } from './figures.js';
import { dynamodbOutageRig, type OutageRig, postgresOutageRig, redisOutageRig } from './outages.js';
import { connectPostgres, pingRedis } from './reachability.js';
import { crash } from './scenarios/crash.js';
import { OUTAGE_FULL, outage } from './scenarios/outage.js';
import { SLOW_FULL, slow } from './scenarios/slow.js';
import { STORM_FULL, storm } from './scenarios/storm.js';
import type { StoreKind } from './store-config.js';

const { values } = parseArgs({
  // `pnpm storm -- --store redis` passes the `--` on.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    store: { type: 'string', default: 'memory,redis,postgres,dynamodb' },
    scenario: { type: 'string', default: 'storm,crash,outage,slow' },
  },
});
const stores = (values.store as string).split(',') as StoreKind[];
const scenarios = new Set((values.scenario as string).split(','));

async function reachable(kind: StoreKind): Promise<string | undefined> {
  try {
    if (kind === 'redis') await pingRedis();
    else if (kind === 'postgres') await connectPostgres();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const results: Figures[] = [];
const report = (figures: Figures): void => {
  results.push(figures);
  console.log(`${formatFigures(figures)}\n`);
};

const RIGS: Partial<Record<StoreKind, () => Promise<OutageRig>>> = {
  redis: redisOutageRig,
  postgres: postgresOutageRig,
  dynamodb: dynamodbOutageRig,
};

for (const kind of stores) {
  const missing = await reachable(kind);
  if (missing) {
    console.log(`[${kind}] skipped: not reachable (${missing})\n`);
    continue;
  }
  const local = kind === 'dynamodb' ? await startDynamoDBLocal() : undefined;
  let backend: Backend | undefined;
  try {
    backend =
      kind === 'memory'
        ? memoryBackend()
        : kind === 'redis'
          ? redisBackend()
          : kind === 'postgres'
            ? await postgresBackend()
            : await dynamodbBackend((local as { endpoint: string }).endpoint);
    if (scenarios.has('storm')) report(await storm(backend, STORM_FULL));
    if (kind === 'memory') continue; // one process, no network: the other scenarios do not apply
    if (scenarios.has('crash')) report(await crash(backend));
    if (scenarios.has('slow')) report(await slow(backend, SLOW_FULL));
    const rig = RIGS[kind];
    if (scenarios.has('outage') && rig) {
      const built = await rig();
      try {
        report(await outage(built.backend, built.outage, OUTAGE_FULL));
      } finally {
        await built.teardown();
      }
    }
  } finally {
    await backend?.cleanup();
    await local?.stop();
  }
}

const failed = results.filter((figures) => figures.failures.length > 0);
console.log(
  `${results.length} scenario runs, ${failed.length} failed${
    failed.length ? `: ${failed.map((f) => `${f.store} ${f.scenario}`).join('; ')}` : ''
  }`,
);
process.exit(failed.length > 0 ? 1 : 0);
