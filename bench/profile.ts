/**
 * `npm run bench:profile -- [scenario substring]`: runs one scenario against a server started
 * with --cpu-prof and prints where the server's CPU time went, by file and by function
 * (self time). The .cpuprofile is kept in bench/results/ for a flame graph (open it in
 * Chrome DevTools or speedscope).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/pg-cluster.ts';
import { drive } from './load.ts';
import { scenarios } from './scenarios.ts';
import { seed } from './seed.ts';

const root = new URL('..', import.meta.url).pathname;
const wanted = process.argv[2] ?? 'native GET';
// An optional second argument replaces a search scenario's words, to profile one query.
const words = process.argv[3];
const scenario = scenarios.find((s) => s.name.includes(wanted));
if (!scenario) throw new Error(`no scenario matches "${wanted}"`);
const tmp = mkdtempSync(join(tmpdir(), 'profiled-prof-'));
const databaseUrl = `sqlite:${join(tmp, 'p.db')}`;
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// The full bench's data set: the directory scenarios search its 10 000 public profiles.
const { accounts } = await seed(databaseUrl, 1000, base, { directoryProfiles: 10_000, log: (line) => process.stdout.write(`${line}\n`) });
const server = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${tmp}`, join(root, 'packages/server/bin/profiled.js'), 'serve'], {
  env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), PUBLIC_URL: base, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {
    await new Promise((r) => setTimeout(r, 100));
  }
}
const result = await drive({
  url: base,
  connections: 32,
  seconds: 8,
  method: scenario.method,
  next: (n) => {
    const asked = scenario.request(n, accounts[n % accounts.length]!);
    const r = words ? { ...asked, path: asked.path.replace(/([?&](?:q|query)=)[^&]*/, `$1${encodeURIComponent(words)}`) } : asked;
    const headers: Record<string, string> = {};
    if (r.token) headers['authorization'] = `Bearer ${r.token}`;
    if (r.body !== undefined) headers['content-type'] = r.contentType ?? 'application/json';
    return { path: r.path, headers, ...(r.body !== undefined ? { body: r.body } : {}) };
  },
});
process.stdout.write(`${scenario.name}: ${result.reqPerSec} req/s, p99 ${result.p99} ms, errors ${result.errors}\n`);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
// The main thread's profile (thread id 0); reader threads write their own beside it.
const files = readdirSync(tmp).filter((f) => f.endsWith('.cpuprofile'));
const file = files.find((f) => f.split('.').at(-3) === '0') ?? files[0]!;
const kept = join(root, 'bench/results', 'latest.cpuprofile');
renameSync(join(tmp, file), kept);

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const profile = JSON.parse(readFileSync(kept, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFile = new Map<string, number>();
const byFn = new Map<string, number>();
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0;
  const url = node.callFrame.url.replace(/^file:\/\//, '').replace(root, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url || `(${node.callFrame.functionName || 'native'})`);
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + t);
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + t);
}
const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`).join('\n');
process.stdout.write(`\nself time by package / file:\n${top(byFile, 25)}\n\nby function:\n${top(byFn, 30)}\n\nprofile: ${kept}\n`);
