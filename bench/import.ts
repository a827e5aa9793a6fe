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

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${COLUMNS.join(',')}\n`);
  for (let j = 0; j < rows; j++) {
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

/** Writes `rows` members to a CSV in `dir`, imports them into `databaseUrl`, and times it. */
export async function benchImport(root: string, dir: string, databaseUrl: string, rows: number, targetSeconds: number): Promise<ImportFigures> {
  const file = join(dir, 'import.csv');
  await writeCsv(file, rows);
  const started = Date.now();
  const child = spawn(join(root, 'packages/server/bin/profiled'), ['import', '--org', 'default', file], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`profiled import exited ${code}: ${stdout.slice(0, 500)}`);
  const summary = JSON.parse(stdout) as ImportFigures['summary'];
  return { rows, seconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round(rows / seconds), targetSeconds, summary };
}
