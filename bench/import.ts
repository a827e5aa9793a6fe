/**
 * The bulk-import scenario (issue 19): a CSV of generated members, the bench directory's
 * people (bench/directory.ts) with an email, a username and for one in four a bcrypt hash,
 * imported into a fresh database by `profiled import` as an operator runs it (the bin's
 * wrapper and heap settings), timed from start to exit. Target: 60 s on SQLite, 120 s on
 * PostgreSQL, for 100 000 rows.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { directoryProfile } from './directory.ts';

const COLUMNS = ['email', 'username', 'password_hash', 'given_name', 'family_name', 'display_name', 'position', 'company_name', 'business_area', 'city', 'country', 'summary', 'tags', 'website', 'linkedin', 'is_public'];
// Stored as given, verified only at sign-in: the import does no hashing of its own.
const BCRYPT = '$2b$10$Ewn3Z/wsj58QWZoarHHhxegGN.lhYX.N5mOIQtN5StH2vq.GmQtHS';
const cell = (v: unknown) => {
  const text = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Writes members `from` to `from + rows - 1` (bench/directory.ts's people, with unique logins) to a CSV. */
export async function writeMembersCsv(path: string, rows: number, from = 0): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${COLUMNS.join(',')}\n`);
  for (let j = from; j < from + rows; j++) {
    const p: Record<string, unknown> = { ...directoryProfile(j), email: `member${j}@import.bench.example`, username: `member${j}`, password_hash: j % 4 === 0 ? BCRYPT : '' };
    if (!out.write(`${COLUMNS.map((c) => cell(p[c])).join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export interface ImportFigures {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly targetSeconds: number;
  readonly summary: { created: number; updated: number; unchanged: number; failed: unknown[] };
}

/** Runs `profiled import --org ORG FILE` as an operator does (the bin's wrapper), timed from start to exit. */
export async function runImport(root: string, databaseUrl: string, org: string, file: string): Promise<{ seconds: number; summary: ImportFigures['summary'] }> {
  const started = Date.now();
  const child = spawn(join(root, 'packages/server/bin/profiled'), ['import', '--org', org, file], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`profiled import --org ${org} exited ${code}: ${stdout.slice(0, 500)} ${stderr.slice(-500)}`);
  return { seconds, summary: JSON.parse(stdout) as ImportFigures['summary'] };
}

/** Writes `rows` members to a CSV in `dir`, imports them into `databaseUrl`, and times it. */
export async function benchImport(root: string, dir: string, databaseUrl: string, rows: number, targetSeconds: number): Promise<ImportFigures> {
  const file = join(dir, 'import.csv');
  await writeMembersCsv(file, rows);
  const { seconds, summary } = await runImport(root, databaseUrl, 'default', file);
  return { rows, seconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round(rows / seconds), targetSeconds, summary };
}
