/**
 * Instructions redis-server executes per script call, counted by callgrind (repeatable,
 * unlike commandstats' wall-clock usec on a busy machine). Each variant: N keys hold an
 * in-progress record, then N EVALSHA calls, one callgrind dump around the calls only.
 *
 *   pnpm --filter @oncely/redis exec tsx bench/script-instructions.ts [variants] [functions]
 *
 * `variants`: a module exporting `variants`, Lua sources to run as EVALSHA with the complete
 * script's arguments; `functions`: a module exporting `functions`, bodies to load as Redis
 * Functions and run with FCALL (a function returning 0 cost 20 300 instructions against 21 900
 * for the same EVALSHA: not worth managing libraries on every node). CALLS sets how many calls
 * (default 2000). Needs valgrind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@oncely/testing';
import { Redis } from 'ioredis';
import { newInProgressRecord } from '../src/record.js';
import { SCRIPTS } from '../src/scripts.js';

const N = Number(process.env.CALLS ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'oncely-callgrind-'));
const port = await freePort();
const child = spawn(
  'valgrind',
  [
    '--tool=callgrind',
    `--callgrind-out-file=${join(dir, 'cg.out')}`,
    'redis-server',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
  ],
  { stdio: 'ignore' },
);
const r = new Redis(port, { retryStrategy: () => 200 });
r.on('error', () => undefined);
await new Promise((resolve) => r.once('ready', resolve));

function dump(): number {
  execFileSync('callgrind_control', ['-d', String(child.pid)]);
  const files = readdirSync(dir).filter((f) => /^cg\.out\.\d+$/.test(f));
  const last = files.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).pop();
  const text = readFileSync(join(dir, last as string), 'utf8');
  return Number(/^summary:\s+(\d+)/m.exec(text)?.[1] ?? /^totals:\s+(\d+)/m.exec(text)?.[1]);
}

const fp = 'a'.repeat(64);
const token = '0123456789abcdef0123456789abcdef0123';
const result = Buffer.alloc(300, 0x78);
type Call = (p: ReturnType<Redis['pipeline']>, key: string) => void;

async function batch(call: Call, prefix: string): Promise<void> {
  for (let i = 0; i < N; i += 200) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(i + 200, N); j++) call(p, `${prefix}:${j}`);
    const out = (await p.exec()) ?? [];
    const failed = out.find(([error]) => error);
    if (failed) throw failed[0];
  }
}

async function measure(label: string, setup: Call | undefined, call: Call): Promise<void> {
  const prefix = `${label}:${Math.random()}`;
  if (setup) await batch(setup, prefix);
  dump();
  await batch(call, prefix);
  const instructions = dump();
  console.log(`${label.padEnd(28)} ${Math.round(instructions / N)} instructions/call`);
}

const rec = newInProgressRecord(fp, token, 30000, 86400000);
const inProgress: Call = (p, key) => p.set(key, rec.value, 'PX', rec.retentionMs);
const variants: Record<string, string> = { complete: SCRIPTS.complete.source };
if (process.argv[2]) Object.assign(variants, (await import(process.argv[2])).variants);

await measure('PING (baseline)', undefined, (p) => p.ping());
await measure('SET NX GET PX (absent)', undefined, (p, key) =>
  p.setBuffer(key, rec.value, 'PX', rec.retentionMs, 'NX', 'GET'),
);
await measure('SET PX 300 B', inProgress, (p, key) => p.set(key, result, 'PX', 86400000));
for (const [label, source] of Object.entries(variants)) {
  const sha = (await r.script('LOAD', source)) as string;
  await measure(`EVALSHA ${label}`, inProgress, (p, key) =>
    p.evalsha(sha, 1, key, token, '1', '86400000', result),
  );
}
const functions: Record<string, string> = process.argv[3]
  ? (await import(process.argv[3])).functions
  : {};
for (const [label, body] of Object.entries(functions)) {
  await r.call(
    'FUNCTION',
    'LOAD',
    'REPLACE',
    `#!lua name=bench_${label}\nredis.register_function('${label}', function(KEYS, ARGV)\n${body}\nend)`,
  );
  await measure(`FCALL ${label}`, inProgress, (p, key) =>
    p.callBuffer('FCALL', label, 1, key, token, '1', '86400000', result),
  );
}
r.disconnect();
child.kill('SIGKILL');
