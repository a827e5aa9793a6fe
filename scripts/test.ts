/**
 * `npm test`: the build, the import-direction lint, the type check, then every test file on one
 * throwaway PostgreSQL cluster (started here, removed at the end) and on SQLite.
 * Arguments narrow the run to the given test files.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startPgCluster } from '../test/support/pg-cluster.ts';

const root = new URL('..', import.meta.url).pathname;

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function step(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  process.stdout.write(`\n== ${name}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    process.stdout.write(`\n${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : [...testFiles(join(root, 'packages')), ...testFiles(join(root, 'test'))].sort();

// The browser tests drive the built portal and the CLI tests the bundle: build both first.
step('build: portal and server bundle', process.execPath, ['--import', 'tsx', 'scripts/build.ts']);

if (only.length === 0) {
  step('lint: import directions', 'npx', ['depcruise', 'packages', '--config', '.dependency-cruiser.cjs']);
  step('typecheck', 'npx', ['tsc', '-p', '.']);
}

process.stdout.write('\n== starting a throwaway PostgreSQL cluster\n');
const cluster = await startPgCluster();
let status = 1;
try {
  process.stdout.write(`   ${cluster.url}\n`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PROFILED_TEST_PG_URL: cluster.url, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent' } },
  );
  status = r.status ?? 1;
} finally {
  cluster.stop();
}
process.exit(status);
