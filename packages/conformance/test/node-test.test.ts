import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../src/index.js';

// The suite under node:test (`test(name, options, fn)`) against a store whose calls never
// settle: the run must end, every check failed, rather than hang. The run is killed after
// KILL_AFTER_MS only to report a hang as a failure instead of hanging this test too.
const FIXTURE = fileURLToPath(new URL('./fixtures/never-settling.node-test.ts', import.meta.url));
const README_EXAMPLE = fileURLToPath(new URL('./fixtures/reference.node-test.ts', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const KILL_AFTER_MS = 240_000;

function runNodeTest(env: Record<string, string>, file = FIXTURE) {
  return new Promise<{ code: number | null; killed: boolean; output: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-force-exit', file],
      { cwd: PACKAGE, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    let killed = false;
    const killer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, KILL_AFTER_MS);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, killed, output });
    });
  });
}

/** The count node:test's summary gives for `what` (`# fail 59`). */
function summary(output: string, what: string): number {
  const match = output.match(new RegExp(`^# ${what} (\\d+)$`, 'm'));
  return match ? Number(match[1]) : Number.NaN;
}

describe('under node:test', () => {
  it(
    'passes the reference store on every check through the nodeTest adapter (the README example)',
    async () => {
      const run = await runNodeTest({}, README_EXAMPLE);
      expect(run.killed, run.output.slice(-2000)).toBe(false);
      expect(summary(run.output, 'pass'), run.output.slice(-3000)).toBe(CHECK_NAMES.length);
      expect(run.code).toBe(0);
    },
    KILL_AFTER_MS + 10_000,
  );
});

describe('under node:test, a store whose calls never settle', () => {
  it(
    'fails every check on its timeout through the nodeTest adapter',
    async () => {
      const run = await runNodeTest({ NODE_TEST_ADAPTER: '1' });
      expect(run.killed, run.output.slice(-2000)).toBe(false);
      expect(run.code).not.toBe(0);
      expect(summary(run.output, 'tests')).toBe(CHECK_NAMES.length);
      expect(summary(run.output, 'pass')).toBe(0);
      // node:test reports a test past its timeout as cancelled ("test timed out after 200ms").
      expect(summary(run.output, 'cancelled') + summary(run.output, 'fail')).toBe(
        CHECK_NAMES.length,
      );
      expect(run.output).toMatch(/timed out after 200ms/);
    },
    KILL_AFTER_MS + 10_000,
  );

  it(
    "fails every check on the suite's own timeout when test is passed without the adapter",
    async () => {
      const run = await runNodeTest({ NODE_TEST_ADAPTER: '0' });
      expect(run.killed, run.output.slice(-2000)).toBe(false);
      expect(run.code).not.toBe(0);
      expect(summary(run.output, 'fail')).toBe(CHECK_NAMES.length);
      expect(run.output).toMatch(/did not finish within 200 ms/);
    },
    KILL_AFTER_MS + 10_000,
  );
});
