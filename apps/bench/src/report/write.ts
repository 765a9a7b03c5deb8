import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from '../results.js';
import { markdownReport } from './markdown.js';
import { chartSvg } from './svg.js';

/** results.json (every run), README.md (tables, setups, targets) and chart.svg. */
export async function writeResults(directory: string, results: BenchResults): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const files = {
    'results.json': `${JSON.stringify(results, null, 2)}\n`,
    'README.md': markdownReport(results),
    'chart.svg': chartSvg(results),
  };
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(directory, name);
    await writeFile(path, content);
    written.push(path);
  }
  return written;
}
