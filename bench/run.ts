/**
 * `npm run bench [-- --pg] [-- --smoke]`: the real server against a bare node:http + SQLite
 * baseline, in one run, on this machine. Prints a table and writes bench/results/latest.json
 * (or smoke.json with --smoke, the one-second-per-scenario run `npm test` uses).
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase, freePort, startPgCluster, type PgCluster } from '../test/support/pg-cluster.ts';
import { probeDirectory } from './directory.ts';
import { benchDirectoryScale, formatScale, type ScaleReport } from './directory-scale.ts';
import { benchImport, type ImportFigures } from './import.ts';
import { drive, type LoadResult } from './load.ts';
import { formatTable, type Row } from './report.ts';
import { loginScenario, refreshScenario, scenarios, type Scenario } from './scenarios.ts';
import { seed, type SeededAccount } from './seed.ts';
// @ts-expect-error a plain ES module shared with bin/profiled.js, without type declarations
import { bundleIsFresh } from '../packages/server/bin/bundle.js';

const { values: args } = parseArgs({
  options: {
    pg: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    connections: { type: 'string', default: '32' },
  },
});
const smoke = args.smoke!;
const warmup = smoke ? 0 : 3;
const seconds = smoke ? 1 : 10;
const connections = Number(args.connections);
const accountCount = smoke ? 100 : 1000;
const directoryCount = smoke ? 300 : 10_000;
const root = new URL('..', import.meta.url).pathname;

const children: ChildProcess[] = [];
let cluster: PgCluster | undefined;
const tmp = mkdtempSync(join(tmpdir(), 'profiled-bench-'));
function cleanup() {
  for (const c of children) c.kill('SIGKILL');
  cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function peakRssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function measure(label: string, run: (s: number) => Promise<LoadResult>): Promise<LoadResult> {
  if (warmup > 0) await run(warmup);
  const result = await run(seconds);
  process.stdout.write(`  ${label}: ${result.reqPerSec} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors}${result.errors > 0 ? ` (${result.timeouts} timed out, ${result.non2xx} not 2xx)` : ''}\n`);
  return result;
}

// The server runs as `profiled serve` does: from the bundle when it is fresh. A full run
// rebuilds a stale one first (a second or so for the server, then the portal) rather than
// measure the sources through tsx; a smoke run, inside `npm test`, never writes dist.
if (!smoke && !(bundleIsFresh() as boolean)) {
  process.stdout.write('sources are newer than packages/server/dist/profiled.mjs: building…\n');
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
}
const runtime = (bundleIsFresh() as boolean) ? 'bundle' : 'tsx (sources newer than the bundle)';
process.stdout.write(`server runs from: ${runtime}\n`);

const databaseUrl = args.pg ? createDatabase((cluster = await startPgCluster()).url, 'bench') : `sqlite:${join(tmp, 'profiled.db')}`;
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
process.stdout.write(`seeding ${accountCount} signed-in accounts and ${directoryCount} public directory profiles on ${args.pg ? 'PostgreSQL' : 'SQLite'}…\n`);
const seeded = await seed(databaseUrl, accountCount, base, { directoryProfiles: directoryCount, log: (line) => process.stdout.write(`${line}\n`) });
const accounts = seeded.accounts;

/** `profiled serve` as `npm start` starts it: the bin's wrapper, with its heap settings (PROFILED_HEAP_MB). */
function startProfiled(url: string, at: number, env: Readonly<Record<string, string>> = {}): ChildProcess {
  const child = spawn(join(root, 'packages/server/bin/profiled'), ['serve'], {
    env: {
      ...process.env,
      ...env,
      DATABASE_URL: url,
      PORT: String(at),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${at}`,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      LOGIN_MAX_FAILURES_PER_IP: '1000000',
      MAIL_DIR: join(tmp, 'mail'),
      SMS_DIR: join(tmp, 'sms'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}
const server = startProfiled(databaseUrl, port);
await waitFor(`${base}/healthz`);
const documented = new Set(Object.keys(((await (await fetch(`${base}/openapi.json`)).json()) as { paths: object }).paths).map((p) => p.replace(/\{[^}]+\}/g, ':p')));

const baselinePort = await freePort();
const baselineToken = 'baseline-shared-token';
const baselineProc = fork(join(root, 'bench/baseline.ts'), [join(tmp, 'baseline.db'), String(baselinePort), baselineToken], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
children.push(baselineProc);
await new Promise<void>((resolve) => baselineProc.once('message', () => resolve()));

const account = (n: number): SeededAccount => accounts[n % accounts.length]!;
// Each query's first page as served: the seeded profiles really are in the directory.
const directory = documented.has('/v1/directory') ? await probeDirectory(base, account(0).accessToken, seeded.directory) : seeded.directory.map((d) => ({ ...d, firstPage: null }));
for (const d of directory) process.stdout.write(`  directory "${d.q}" (${d.what}): matches ${d.matches}, first page ${d.firstPage ?? 'not served'}\n`);
const headersFor = (r: { token?: string; contentType?: string; body?: string }) => {
  const h: Record<string, string> = {};
  if (r.token) h['authorization'] = `Bearer ${r.token}`;
  if (r.body !== undefined) h['content-type'] = r.contentType ?? 'application/json';
  return h;
};
const runScenario = (s: Scenario) => (secs: number) =>
  drive({ url: base, connections, seconds: secs, method: s.method, next: (n) => { const r = s.request(n, account(n)); return { path: r.path, headers: headersFor(r), ...(r.body !== undefined ? { body: r.body } : {}) }; } });

process.stdout.write('baseline (node:http + better-sqlite3)\n');
const baselineUrl = `http://127.0.0.1:${baselinePort}`;
const baselineFigures = {
  get: await measure('baseline GET', (secs) => drive({ url: baselineUrl, connections, seconds: secs, method: 'GET', next: (n) => ({ path: `/profile/${n}`, headers: { authorization: `Bearer ${baselineToken}` } }) })),
  patch: await measure('baseline PATCH', (secs) =>
    drive({ url: baselineUrl, connections, seconds: secs, method: 'PATCH', next: (n) => ({ path: `/profile/${n}`, headers: { authorization: `Bearer ${baselineToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ given_name: `Given${n}`, family_name: `Family${n}`, display_name: `Member ${n}`, city: `City${n}`, street: `${n} Main St`, post_code: `${10000 + (n % 89999)}`, position: `Analyst ${n}`, company_name: `Company ${n}`, business_area: `Area ${n % 97}`, website: `https://example.com/${n}` }) }) }),
  ),
};

const rows: Row[] = [
  { name: 'baseline GET', targeted: false, ...baselineFigures.get, ratio: 1 },
  { name: 'baseline PATCH', targeted: false, ...baselineFigures.patch, ratio: 1 },
];
const selected = scenarios.filter((s) => !args.only || s.name.includes(args.only));
process.stdout.write('Profiled\n');
for (const s of selected) {
  if (!documented.has(s.requires)) {
    rows.push({ name: s.name, targeted: s.targeted, skipped: 'not served by this build' });
    process.stdout.write(`  ${s.name}: skipped (not served by this build)\n`);
    continue;
  }
  const result = await measure(s.name, runScenario(s));
  const b = s.baseline ? baselineFigures[s.baseline] : undefined;
  rows.push({ name: s.name, targeted: s.targeted, ...result, ratio: b ? result.reqPerSec / b.reqPerSec : null, p99Ratio: b ? result.p99 / Math.max(b.p99, 1) : null });
}

// The targets' memory figure: the peak over the PATCH and GET scenarios, before the
// argon2-bound sign-ins (each hash holds 19 MiB) that are reported apart from the targets.
const targetedRssMb = peakRssMb(server.pid);

if (!args.only) {
  // Each connection rotates through its own refresh tokens: a used one is never sent twice.
  const pool = accounts.map((a) => a.refreshToken);
  const refresh = await measure(refreshScenario.name, (secs) =>
    drive({
      url: base,
      connections,
      seconds: secs,
      method: 'POST',
      next: () => ({ path: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&refresh_token=${pool.shift() ?? ''}` }),
      onResponse: (status, body) => {
        if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
      },
    }),
  );
  rows.push({ name: refreshScenario.name, targeted: false, ...refresh, ratio: null });
  const login = await measure(loginScenario.name, runScenario(loginScenario));
  rows.push({ name: loginScenario.name, targeted: false, ...login, ratio: null });
}

const rssMb = peakRssMb(server.pid);

// The bulk import (issue 19), into a database of its own: none of the scenarios above saw it.
const IMPORT_NAME = 'profiled import (CSV, 100 000 rows)';
let imported: ImportFigures | undefined;
if (!args.only || IMPORT_NAME.includes(args.only)) {
  const url = args.pg ? createDatabase(cluster!.url, 'bench_import') : `sqlite:${join(tmp, 'import.db')}`;
  imported = await benchImport(root, tmp, url, smoke ? 1000 : 100_000, args.pg ? 120 : 60);
  process.stdout.write(`  ${IMPORT_NAME}: ${imported.rows} rows in ${imported.seconds} s (${imported.rowsPerSecond} rows/s, target ${imported.targetSeconds} s for 100 000), created ${imported.summary.created}, failed ${imported.summary.failed.length}\n`);
}
// The directory at scale (issue 20), on a database and a server of its own; the others stop first.
server.kill('SIGTERM');
baselineProc.kill('SIGTERM');
const SCALE_NAME = 'directory at scale';
let scale: ScaleReport | undefined;
if (!args.only || SCALE_NAME.includes(args.only)) {
  const scaleUrl = args.pg ? createDatabase(cluster!.url, 'bench_scale') : `sqlite:${join(tmp, 'scale.db')}`;
  const scalePort = await freePort();
  scale = await benchDirectoryScale({
    root,
    issuer: `http://127.0.0.1:${scalePort}`,
    dir: tmp,
    databaseUrl: scaleUrl,
    pg: args.pg!,
    smoke,
    connections,
    seconds,
    measure,
    log: (line) => process.stdout.write(`${line}\n`),
    async serve(url, env) {
      const at = scalePort;
      const child = startProfiled(url, at, env);
      await waitFor(`http://127.0.0.1:${at}/healthz`);
      return { base: `http://127.0.0.1:${at}`, peakRssMb: () => peakRssMb(child.pid), stop: () => child.kill('SIGTERM') };
    },
  });
}
const report = {
  date: new Date().toISOString(),
  database: args.pg ? 'postgres' : 'sqlite',
  machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
  settings: { connections, warmupSeconds: warmup, measuredSeconds: seconds, accounts: accountCount, directoryProfiles: directoryCount, logLevel: process.env['LOG_LEVEL'] ?? 'info' },
  server: { runtime, heapLimitMb: process.env['PROFILED_HEAP_MB'] ?? '512', peakRssMb: targetedRssMb, peakRssWholeRunMb: rssMb },
  targets: { minRatio: 0.6, maxP99Ratio: 3, maxErrors: 0, maxPeakRssMb: 200 },
  rows,
  directory: { profiles: directoryCount, queries: directory },
  ...(imported ? { import: imported } : {}),
  ...(scale ? { directoryScale: scale } : {}),
};
process.stdout.write(`\n${formatTable(report)}\n${scale ? `\n${formatScale(scale)}\n` : ''}`);
// Only a full run replaces the committed latest*.json; smoke and --only runs go elsewhere.
const out = join(root, 'bench/results', smoke ? 'smoke.json' : args.only ? 'partial.json' : `latest${args.pg ? '-pg' : ''}.json`);
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`written to ${out}\n`);
const failures = rows.filter((r) => r.targeted && !r.skipped && r.errors !== undefined && r.errors > 0);
if (imported && (imported.summary.failed.length > 0 || imported.summary.created !== imported.rows)) failures.push({ name: IMPORT_NAME, targeted: true });
if (scale && (scale.import.failed > 0 || [...scale.rows, ...scale.mixed].some((r) => r.errors > 0))) failures.push({ name: SCALE_NAME, targeted: true });
process.exit(failures.length > 0 ? 1 : 0);
