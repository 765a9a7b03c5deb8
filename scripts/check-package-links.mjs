#!/usr/bin/env node
// A published README is read on the registry, where only the tarball's files exist: every
// relative link in it must name a file the tarball holds (no `../../docs/...`, no `test/...`).
// Also checks that every tarball ships the LICENSE, identical to the repository's.
// `npm pack --dry-run` lists what `npm publish` would put in each package's tarball.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, normalize, relative } from 'node:path';
import { publicPackages, root } from './public-packages.mjs';

const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const problems = [];

/** Link targets in markdown text, outside code blocks and inline code. */
function linkTargets(markdown) {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const targets = [];
  for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    targets.push(match[1]);
  for (const match of prose.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) targets.push(match[1]);
  for (const match of prose.matchAll(/\b(?:href|src)\s*=\s*"([^"]+)"/g)) targets.push(match[1]);
  return targets;
}

for (const pkg of publicPackages()) {
  const where = relative(root, pkg.dir);
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: pkg.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const files = new Set(packed.files.map((file) => file.path));
  if (!files.has('LICENSE')) problems.push(`${where}: the tarball has no LICENSE`);
  else if (readFileSync(join(pkg.dir, 'LICENSE'), 'utf8') !== license) {
    problems.push(`${where}/LICENSE differs from the repository's LICENSE`);
  }
  if (!files.has('README.md')) {
    problems.push(`${where}: the tarball has no README.md`);
    continue;
  }
  for (const target of linkTargets(readFileSync(join(pkg.dir, 'README.md'), 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // absolute or on the page
    const path = normalize(decodeURIComponent(target.split('#')[0]));
    const inTarball = files.has(path) || [...files].some((file) => file.startsWith(`${path}/`));
    if (!inTarball)
      problems.push(`${where}/README.md links to ${target}, which is not in the tarball`);
  }
}

if (problems.length > 0) {
  console.error(
    `check-package-links: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `check-package-links: every README link of ${publicPackages().length} packages resolves in its tarball`,
);
