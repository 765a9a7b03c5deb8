import { library } from '../libraries/catalog.js';
import type { LibraryId } from '../libraries/types.js';
import type { BenchResults } from '../results.js';
import { ratio } from '../stats.js';

const COLORS: Record<LibraryId, string> = {
  baseline: '#9e9e9e',
  oncely: '#1565c0',
  'oncely-otel-noop': '#42a5f5',
  'oncely-otel-sdk': '#0d47a1',
  'node-idempotency': '#ef6c00',
  'express-idempotency': '#2e7d32',
  powertools: '#8e24aa',
};

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x}" y="${y}" ${attributes}>${escapeXml(content)}</text>`;
}

/**
 * Two panels: HTTP requests per second as a ratio to the bare handler (one bar per library, one
 * group per framework/store/key mode), and first-execution throughput as records grow (ratio
 * to the first step). Plain SVG, no dependencies.
 */
export function chartSvg(results: BenchResults): string {
  const width = 900;
  const parts: string[] = [];
  let y = 30;
  parts.push(
    text(
      20,
      y,
      'HTTP requests/s relative to the bare handler (same framework, paired per round; median)',
      'font-size="16" font-weight="bold"',
    ),
  );
  y += 20;

  const groups: { title: string; bars: { id: LibraryId; value: number }[] }[] = [];
  for (const framework of ['express', 'fastify'] as const) {
    for (const store of ['memory', 'redis'] as const) {
      for (const mode of ['unique', 'replay'] as const) {
        const bars = results.http
          .filter(
            (r) =>
              r.library !== 'baseline' &&
              r.framework === framework &&
              r.store === store &&
              r.mode === mode,
          )
          .map((r) => ({
            id: r.library,
            value: r.figures.vsBare?.median ?? Number.NaN,
          }));
        if (bars.length) {
          groups.push({
            title: `${framework} · ${store} · ${mode === 'unique' ? 'first runs' : 'replays'}`,
            bars,
          });
        }
      }
    }
  }
  const left = 230;
  const plotWidth = width - left - 80;
  const maxValue = Math.max(
    1.1,
    ...groups.flatMap((g) => g.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))),
  );
  const scale = (value: number) => (Math.max(0, value) / maxValue) * plotWidth;
  const barHeight = 14;
  const top = y;
  for (const group of groups) {
    parts.push(text(20, y + 12, group.title, 'font-size="12" font-weight="bold"'));
    y += 18;
    for (const bar of group.bars) {
      const w = Number.isFinite(bar.value) ? scale(bar.value) : 0;
      parts.push(text(left - 8, y + 11, library(bar.id).label, 'font-size="11" text-anchor="end"'));
      parts.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLORS[bar.id]}"/>`,
      );
      parts.push(
        text(
          left + w + 4,
          y + 11,
          Number.isFinite(bar.value) ? `${bar.value.toFixed(2)}×` : 'n/a',
          'font-size="11"',
        ),
      );
      y += barHeight + 3;
    }
    y += 8;
  }
  for (const mark of [0.9, 1]) {
    const x = left + scale(mark);
    parts.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${y}" stroke="${mark === 1 ? '#000' : '#c62828'}" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      text(
        x,
        y + 12,
        mark === 1 ? 'bare = 1.0×' : '0.9× target',
        `font-size="10" text-anchor="middle" fill="${mark === 1 ? '#000' : '#c62828'}"`,
      ),
    );
  }
  if (groups.length === 0)
    parts.push(text(20, y + 12, 'no HTTP measurements in this run', 'font-size="12"'));
  y += 40;

  parts.push(
    text(
      20,
      y,
      'First executions/s as stored records grow (relative to the first step)',
      'font-size="16" font-weight="bold"',
    ),
  );
  y += 15;
  const steps = results.settings.scaleSteps;
  const chartTop = y;
  const chartHeight = 200;
  const chartLeft = 80;
  const chartWidth = 560;
  const xOf = (i: number) =>
    chartLeft + (steps.length > 1 ? (i / (steps.length - 1)) * chartWidth : 0);
  const yMax = 1.5;
  const yOf = (v: number) => chartTop + chartHeight - (Math.min(v, yMax) / yMax) * chartHeight;
  parts.push(
    `<rect x="${chartLeft}" y="${chartTop}" width="${chartWidth}" height="${chartHeight}" fill="none" stroke="#bbb"/>`,
  );
  for (const v of [0, 0.5, 1, 1.5]) {
    parts.push(
      `<line x1="${chartLeft}" y1="${yOf(v)}" x2="${chartLeft + chartWidth}" y2="${yOf(v)}" stroke="#eee"/>`,
    );
    parts.push(
      text(chartLeft - 6, yOf(v) + 4, `${v.toFixed(1)}×`, 'font-size="10" text-anchor="end"'),
    );
  }
  steps.forEach((step, i) => {
    parts.push(
      text(
        xOf(i),
        chartTop + chartHeight + 14,
        step.toExponential(0).replace('+', ''),
        'font-size="10" text-anchor="middle"',
      ),
    );
  });
  let legendY = chartTop + 10;
  for (const row of results.scale) {
    const start = row.points[0]?.first.median;
    const coords = row.points
      .map((p) => [steps.indexOf(p.records), ratio(p.first.median, start)] as const)
      .filter(([i, v]) => i >= 0 && Number.isFinite(v))
      .map(([i, v]) => `${xOf(i).toFixed(1)},${yOf(v).toFixed(1)}`);
    const dash = row.store === 'redis' ? ' stroke-dasharray="6 3"' : '';
    parts.push(
      `<polyline points="${coords.join(' ')}" fill="none" stroke="${COLORS[row.library]}" stroke-width="2"${dash}/>`,
    );
    parts.push(
      `<line x1="${chartLeft + chartWidth + 15}" y1="${legendY - 4}" x2="${chartLeft + chartWidth + 40}" y2="${legendY - 4}" stroke="${COLORS[row.library]}" stroke-width="2"${dash}/>`,
    );
    parts.push(
      text(
        chartLeft + chartWidth + 45,
        legendY,
        `${library(row.library).label} (${row.store})`,
        'font-size="11"',
      ),
    );
    legendY += 16;
  }
  y = chartTop + chartHeight + 40;
  parts.push(
    text(
      20,
      y,
      `${results.date} · ${results.machine.cores} cores · median of ${results.rounds} round(s)${results.pinning.applied ? ' · pinned' : ' · not pinned'}${results.quick ? ' · QUICK RUN' : ''}`,
      'font-size="10" fill="#555"',
    ),
  );
  y += 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}
