import { expect, it } from 'vitest';
import { formatReport } from '../src/report.js';
import { runDemo } from '../src/stories.js';
import { expectStoriesHeld } from './expectations.js';

it('on the memory store, every story charges once and answers as the README says', async () => {
  const report = await runDemo({ store: 'memory' });
  expectStoriesHeld(report);

  const frozen = report.stories.find((s) => s.title.startsWith('A worker freezes'));
  expect(frozen?.simulated).toMatch(/simulated/);
  const killed = report.stories.find((s) => s.title.startsWith('A worker is killed'));
  expect(killed?.skipped).toMatch(/not run on the memory store/);

  const printed = formatReport(report);
  expect(printed).toContain('measured: 20 requests');
  expect(printed).toContain('store: memory');
});

it('on Hono (ONCELY_FRAMEWORK=hono), every story charges once and answers the same', async () => {
  const report = await runDemo({ store: 'memory', framework: 'hono' });
  expectStoriesHeld(report);
  expect(report.api[0]).toMatch(/\(hono; store: memory/);
  expect(formatReport(report)).toContain('on Hono + @oncely/hono');
});
