// The workspace's published packages: every package.json under packages/ that is not private.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

export function publicPackages() {
  const found = [];
  const visit = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      const manifest = join(path, 'package.json');
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
        if (!pkg.private) found.push({ dir: path, name: pkg.name, manifest: pkg });
      } catch {
        visit(path);
      }
    }
  };
  visit(join(root, 'packages'));
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
