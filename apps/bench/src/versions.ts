import { readFileSync } from 'node:fs';

/** The installed version of a package this benchmark depends on (read from its package.json). */
export function installedVersion(name: string): string {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  try {
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
