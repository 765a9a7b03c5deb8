import { formatNumber, formatSpread, paired, subtract } from '../stats.js';
import type { InstructionCase, InstructionResults, KeyMode } from './types.js';

const MODE: Record<KeyMode, string> = { unique: 'first executions', repeated: 'replays' };

/** The instruction counts as a table, with each library's figure over the bare handler's. */
export function instructionsMarkdown(results: InstructionResults): string {
  const { settings } = results;
  const lines = [
    '# Instructions per request (callgrind)',
    '',
    `Counted on ${results.date} in ${formatNumber(results.seconds)} s: Node ${results.node}, ${results.valgrind}, memory stores.`,
    `Each server ran under callgrind; after ${formatNumber(settings.warmupRequests)} uncounted requests per key mode, ${settings.batches} batches of ${formatNumber(settings.requests)} requests (${settings.connections} connections) were counted. Figures: median (min–max) over the batches. "Added over bare" pairs batch i with the bare handler's batch i.`,
    '',
    '| framework | keys | library | instructions/request | added over bare | × bare |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const find = (c: InstructionCase, library: string) =>
    results.cases.find(
      (o) => o.framework === c.framework && o.mode === c.mode && o.library === library,
    );
  const sorted = [...results.cases].sort(
    (a, b) =>
      a.framework.localeCompare(b.framework) ||
      a.mode.localeCompare(b.mode) ||
      a.library.localeCompare(b.library),
  );
  for (const c of sorted) {
    const bare = find(c, 'baseline');
    const added =
      bare && c.library !== 'baseline'
        ? formatSpread(paired(c.perRequest, bare.perRequest, subtract))
        : 'n/a';
    const times =
      bare && c.library !== 'baseline'
        ? `${(c.instructions.median / bare.instructions.median).toFixed(2)}×`
        : 'n/a';
    lines.push(
      `| ${c.framework} | ${MODE[c.mode]} | ${c.library} | ${formatSpread(c.instructions)} | ${added} | ${times} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
