import { formatCounts } from './http-client.js';
import type { DemoReport, StoryResult } from './stories.js';

function measured(story: StoryResult): string {
  if (story.measured) return `measured: ${story.measured}`;
  const parts = [`${story.requests} requests → ${formatCounts(story.answers)}`];
  if (story.applied !== undefined) parts.push(`event applied ${story.applied} time(s)`);
  else parts.push(`the provider charged ${story.charges} time(s)`);
  if (story.staleRefused !== undefined) parts.push(`stale write(s) refused: ${story.staleRefused}`);
  return `measured: ${parts.join('; ')}`;
}

/** The report as printed: what each story did and what the client and provider counted. */
export function formatReport(report: DemoReport): string {
  const out = [
    `oncely demo: a payments API on ${report.framework === 'hono' ? 'Hono + @oncely/hono' : 'Fastify + @oncely/fastify'}, store: ${report.store}, played over HTTP`,
    ...report.api.map((line) => `  API ${line}`),
    '',
  ];
  for (const [i, story] of report.stories.entries()) {
    out.push(`${i + 1}. ${story.title}`);
    if (story.skipped) {
      out.push(`   ${story.skipped}`, '');
      continue;
    }
    out.push(`   plays: ${story.plays}`);
    if (story.simulated) out.push(`   note: ${story.simulated}`);
    for (const line of story.lines) out.push(`   ${line}`);
    out.push(`   ${measured(story)}`, '');
  }
  return out.join('\n');
}
