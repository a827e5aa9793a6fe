/**
 * A directory reader thread (issue 20): runs the SELECTs it is sent on a read-only connection
 * of its own to the SQLite file, so a search never holds up the event loop that serves
 * everything else. WAL lets it read while the main connection writes; each statement sees
 * every transaction committed before it started. Depends on nothing of Profiled's, so the
 * same file runs from the sources and from the bundle.
 */
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface ReaderData {
  readonly path: string;
}

export interface ReadTask {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

const { path } = workerData as ReaderData;
const db = new Database(path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');

// The directory's statements are a handful of shapes: compiled once each, kept.
const statements = new Map<string, Database.Statement>();

export default function read(task: ReadTask): Record<string, unknown>[] {
  let statement = statements.get(task.sql);
  if (!statement) {
    statement = db.prepare(task.sql);
    if (statements.size >= 200) statements.clear();
    statements.set(task.sql, statement);
  }
  return statement.all(...task.parameters) as Record<string, unknown>[];
}
