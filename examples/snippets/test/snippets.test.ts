import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = async (file: string) => {
  const script = fileURLToPath(new URL(`../src/${file}`, import.meta.url));
  const { stdout } = await promisify(execFile)('pnpm', ['exec', 'tsx', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  return stdout;
};

describe('the code the core README shows', () => {
  it('queue-consumer: three deliveries, one application, all acknowledged', async () => {
    const out = await run('queue-consumer.ts');
    expect(out).toContain("executed { shipped: 'order-9' }");
    expect(out.match(/replayed \{ shipped: 'order-9' \}/g)).toHaveLength(2);
    expect(out).toContain("[ 'ack', 'ack', 'ack' ] [ 'order-9@1' ]");
  });

  it('events: one settled event per operation, with its outcome, fence and context', async () => {
    expect((await run('events.ts')).trim().replace(/\s+/g, ' ')).toBe(
      "[ 'executed fence=1 job=invoice-run', 'replayed fence=1 job=invoice-run', 'mismatch fence=1 job=invoice-run' ]",
    );
  });

  it('http-layer: a node:http binding stores, replays (sf-string or bare key) and refuses a missing key', async () => {
    const lines = (await run('http-layer.ts')).trim().split('\n');
    expect(lines[0]).toBe('201 null {"run":1}');
    expect(lines[1]).toBe('201 true {"run":1}');
    expect(lines[2]).toMatch(/^400 null \{"type":"https:\/\/oncely\.dev\/problems\/missing-key"/);
  });
});
