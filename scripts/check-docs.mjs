#!/usr/bin/env node
// Keeps documentation honest: every TypeScript/JavaScript code block in a README or guide must
// be preceded by `<!-- example: path/to/file.ts -->` (relative to the markdown file) and be
// exactly that file's content. The files themselves are type-checked and run by tests, so a
// code block in the docs cannot drift from code that compiles and works.
// `--write` copies each file's current content into its block instead of failing.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const skip = new Set(['node_modules', 'dist', '.git', '.turbo', 'results', '.changeset']);
const write = process.argv.includes('--write');

function* markdownFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* markdownFiles(path);
    else if (name.endsWith('.md') && name !== 'CHANGELOG.md') yield path;
  }
}

function readExample(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

const problems = [];
let checked = 0;
let updated = 0;
for (const file of markdownFiles(root)) {
  const lines = readFileSync(file, 'utf8').split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(ts|typescript|js|javascript|tsx|mjs)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const where = `${relative(root, file)}:${i + 1}`;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) {
      problems.push(`${where}: unclosed code block`);
      break;
    }
    const marker = /^<!-- example: (\S+) -->$/.exec((lines[i - 1] ?? '').trim());
    if (!marker) {
      problems.push(
        `${where}: a ${fence[1]} block needs "<!-- example: path -->" on the line before it`,
      );
      i = end;
      continue;
    }
    checked++;
    const content = readExample(resolve(dirname(file), marker[1]));
    const block = lines
      .slice(i + 1, end)
      .join('\n')
      .trim();
    if (content === undefined) {
      problems.push(`${where}: ${marker[1]} does not exist`);
    } else if (content !== block && write) {
      const replacement = content.split('\n');
      lines.splice(i + 1, end - i - 1, ...replacement);
      i += replacement.length + 1;
      changed = true;
      updated++;
      continue;
    } else if (content !== block) {
      problems.push(`${where}: differs from ${marker[1]}; run node scripts/check-docs.mjs --write`);
    }
    i = end;
  }
  if (changed) writeFileSync(file, lines.join('\n'));
}

if (updated > 0) console.log(`check-docs: updated ${updated} block(s) from their files`);
if (problems.length > 0) {
  console.error(`check-docs: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-docs: ${checked} code block(s) match their tested example files`);
