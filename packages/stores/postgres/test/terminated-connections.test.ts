import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { dropSchema, newPool, PG_URL, postgres, testSchemaName } from './helpers.js';

const worker = fileURLToPath(
  new URL('./fixtures/terminated-connection-worker.mjs', import.meta.url),
);

/** Resolves with the first match of `pattern` in the child's stdout. */
function line(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        child.stdout?.off('data', onData);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}: ${seen}`)));
  });
}

// The server ending a connection (restart, failover, idle_session_timeout, a proxy) must not end
// the process: one that dies mid-completion leaves keys to run again after their lease.
describe.skipIf(!postgres.available)(
  'the server ends a connection of a pool without an error listener',
  () => {
    const schema = testSchemaName();
    let admin: pg.Pool;

    beforeAll(async () => {
      admin = newPool({ max: 1 });
      await new PostgresStore({ pool: admin, schema }).migrate();
    });

    afterAll(async () => {
      await dropSchema(admin, schema);
      await admin.end();
    });

    async function run(scenario: 'idle' | 'transaction') {
      const child = spawn(process.execPath, [worker], {
        env: { ...process.env, PG_URL, SCHEMA: schema, SCENARIO: scenario },
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const survived = line(child, /survived (\w+)/);
      const [, pid] = await line(child, /pid (\d+)/);
      await admin.query('SELECT pg_terminate_backend($1)', [Number(pid)]);
      return {
        code: await exited,
        survived: (await survived)[1],
        stdout: survived,
        stderr: () => stderr,
      };
    }

    it('an idle pooled connection: the store reports it and the process goes on', async () => {
      const { code, survived, stderr } = await run('idle');
      expect([code, survived]).toEqual([0, 'executed']);
      expect(stderr()).toMatch(/oncely: an idle PostgreSQL connection of the pool failed/);
    });

    it("a running transaction's connection: the handler's next query fails, the process goes on", async () => {
      const { code, survived } = await run('transaction');
      expect([code, survived]).toEqual([0, 'executed']);
    });
  },
);
