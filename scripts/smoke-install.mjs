#!/usr/bin/env node
// Installs the packages as a user would and uses them: packs every public package (pnpm pack,
// which writes real versions for `workspace:` ranges), installs the tarballs with npm into a
// scratch project outside the workspace together with the newest majors of the drivers and
// frameworks, runs `npm ci` on the lockfile that wrote (a peer range that misses a driver
// major fails there with ERESOLVE), then runs one smoke program as ESM and as CommonJS. A second
// project installs only the Nest binding with the older Nest major the peer range still takes.
// Needs `pnpm build` first (the root `pnpm test` runs it after turbo has built everything).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicPackages } from './public-packages.mjs';

// The majors users get from npm today; a new major belongs here once the peer ranges take it.
const NEWEST = {
  ioredis: '^6.0.0',
  pg: '^8.0.0',
  '@aws-sdk/client-dynamodb': '^3.0.0',
  express: '^5.0.0',
  fastify: '^5.0.0',
  koa: '^3.0.0',
  '@nestjs/common': '^12.0.0',
  '@nestjs/core': '^12.0.0',
  '@nestjs/platform-express': '^12.0.0',
  '@nestjs/platform-fastify': '^12.0.0',
  'reflect-metadata': '^0.2.0',
  rxjs: '^7.0.0',
  '@opentelemetry/api': '^1.9.0',
  hono: '^4.0.0',
};
// The older Nest major `@oncely/nestjs` supports, which most Nest apps still run.
const NEST_11 = {
  '@nestjs/common': '^11.0.0',
  '@nestjs/core': '^11.0.0',
  '@nestjs/platform-express': '^11.0.0',
  '@nestjs/platform-fastify': '^11.0.0',
  'reflect-metadata': '^0.2.0',
  rxjs: '^7.0.0',
};

const scratch = mkdtempSync(join(tmpdir(), 'oncely-smoke-'));
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A scratch project of `dependencies`; installs it as npm users do, then runs `parts` as ESM and CJS. */
function smoke(name, dependencies, parts, listed) {
  const project = join(scratch, name);
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: `oncely-${name}`, private: true, dependencies }, null, 2),
  );
  const program = `${parts
    .map((part) => readFileSync(new URL(`./smoke-install/${part}`, import.meta.url), 'utf8'))
    .join('\n')}console.log(\`\${FORMAT}:\\n  \${report.join('\\n  ')}\`);\n`;
  writeFileSync(
    join(project, 'smoke.mjs'),
    `const FORMAT = 'esm';\nconst load = (name) => import(name);\n${program}`,
  );
  writeFileSync(
    join(project, 'smoke.cjs'),
    `const FORMAT = 'cjs';\nconst load = async (name) => require(name);\n(async () => {\n${program}\n})().catch((error) => {\n  console.error(error);\n  process.exit(1);\n});\n`,
  );

  const npm = ['--no-audit', '--no-fund', '--loglevel=error'];
  run('npm', ['install', ...npm], project); // fails with ERESOLVE when a peer range misses a major
  run('npm', ['ci', ...npm], project); // a second install from the lockfile, as CI and deploys do
  const installed = JSON.parse(run('npm', ['ls', '--json', '--depth=0', ...listed], project));
  const versions = Object.entries(installed.dependencies).map(
    ([dependency, { version }]) => `${dependency}@${version}`,
  );
  console.log(
    `smoke-install (${name}): npm install and npm ci took the tarballs with ${versions.join(', ')}`,
  );
  for (const file of ['smoke.mjs', 'smoke.cjs']) process.stdout.write(run('node', [file], project));
}

try {
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  const packed = {};
  for (const pkg of publicPackages()) {
    // pnpm pack prints the tarball's path last.
    const file = run('pnpm', ['pack', '--pack-destination', tarballs], pkg.dir)
      .trim()
      .split('\n')
      .pop();
    if (!file?.endsWith('.tgz')) throw new Error(`pnpm pack wrote no tarball for ${pkg.name}`);
    packed[pkg.name] = `file:${file}`;
  }

  smoke(
    'project',
    { ...NEWEST, ...packed },
    ['common.js', 'program.js', 'nest.js'],
    Object.keys(NEWEST),
  );
  const nestOnly = ['@oncely/core', '@oncely/memory', '@oncely/nestjs'];
  smoke(
    'nest-11',
    { ...NEST_11, ...Object.fromEntries(nestOnly.map((name) => [name, packed[name]])) },
    ['common.js', 'nest.js'],
    Object.keys(NEST_11),
  );
  console.log('smoke-install: every package installs and works, as ESM and as CommonJS');
} catch (error) {
  console.error(
    `smoke-install: FAILED\n${error.stderr ?? ''}${error.stdout ?? ''}${error.stack ?? error}`,
  );
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
