#!/usr/bin/env node
// Keeps documentation honest: every TypeScript/JavaScript code block in a README or guide must
// be preceded by `<!-- example: path/to/file.ts -->` (relative to the markdown file) and be
// exactly that file's content. The files themselves are type-checked and run by tests, so a
// code block in the docs cannot drift from code that compiles and works.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const skip = new Set(['node_modules', 'dist', '.git', '.turbo', 'results', '.changeset']);

function* markdownFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* markdownFiles(path);
    else if (name.endsWith('.md') && name !== 'CHANGELOG.md') yield path;
  }
}

const problems = [];
let checked = 0;
for (const file of markdownFiles(root)) {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(ts|typescript|js|javascript|tsx|mjs)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) {
      problems.push(`${relative(root, file)}:${i + 1}: unclosed code block`);
      break;
    }
    const block = lines
      .slice(i + 1, end)
      .join('\n')
      .trim();
    const marker = /^<!-- example: (\S+) -->$/.exec((lines[i - 1] ?? '').trim());
    const where = `${relative(root, file)}:${i + 1}`;
    if (!marker) {
      problems.push(
        `${where}: a ${fence[1]} block needs "<!-- example: path -->" on the line before it`,
      );
    } else {
      const source = resolve(dirname(file), marker[1]);
      let content;
      try {
        content = readFileSync(source, 'utf8').trim();
      } catch {
        problems.push(`${where}: ${marker[1]} does not exist`);
      }
      if (content !== undefined && content !== block) {
        problems.push(
          `${where}: the block differs from ${marker[1]}; paste the file's current content`,
        );
      }
      checked++;
    }
    i = end;
  }
}

if (problems.length > 0) {
  console.error(`check-docs: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-docs: ${checked} code block(s) match their tested example files`);
