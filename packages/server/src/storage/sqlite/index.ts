import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CompiledRegistry } from '@profiled/core';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Storage } from '../port.ts';
import type { SqlFlavor } from '../sql/flavor.ts';
import { DIRECTORY_WORDS_FUNCTION, directoryWords, sqliteSearch } from './search.ts';
import { inspectSchema, migrateDatabase } from '../sql/migrator.ts';
import { createTemplateCache } from '../sql/prepared.ts';
import { createRepos, transactionRepos } from '../sql/repos.ts';
import { ddl } from '../sql/ddl.ts';
import type { DirectoryReader } from '../sql/repos-profiles.ts';
import { createReaderPool, type ReaderPool } from './readers.ts';

export interface SqliteOptions {
  /** File path, or `:memory:`. */
  readonly path: string;
  readonly synchronous: 'NORMAL' | 'FULL';
  readonly registry: CompiledRegistry;
  readonly now: () => string;
  /**
   * Threads that run the directory's queries, each with a read-only connection (default: one
   * per core); 0 runs them on the main connection, as an in-memory database always does.
   */
  readonly searchThreads?: number;
  /** Searches that may wait for a thread before one more is refused (503). */
  readonly searchQueue?: number;
}

const flavor: SqlFlavor = {
  name: 'sqlite',
  // One connection per process; transactions begin IMMEDIATE, so writers are serialised.
  rowLocks: false,
  types: { text: 'text', integer: 'integer', bigint: 'integer', real: 'real', boolean: 'integer', json: 'text', binary: 'blob' },
  autoIncrementPrimaryKey: 'integer primary key autoincrement',
  async addSequenceColumn(db, table, column) {
    // Writers are serialised, so max + 1 inside the inserting transaction cannot collide.
    await sql.raw(ddl`alter table ${table} add column ${column} integer`).execute(db);
    await sql.raw(ddl`update ${table} set ${column} = rowid`).execute(db);
    await sql.raw(ddl`create unique index ${`${table}_${column}`} on ${table} (${column})`).execute(db);
    await sql
      .raw(ddl`create trigger ${`${table}_${column}_insert`} after insert on ${table} when new.${column} is null begin update ${table} set ${column} = (select coalesce(max(${column}), 0) + 1 from ${table}) where rowid = new.rowid; end`)
      .execute(db);
  },
  search: sqliteSearch,
  encodeBoolean: (v) => (v ? 1 : 0),
  decodeBoolean: (v) => v === 1 || v === true || v === '1',
  encodeJson: (v) => JSON.stringify(v),
  decodeJson: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  isForeignKeyViolation: (err) => (err as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY',
  // A write transaction is the lock: a second process waits on busy_timeout, then finds
  // the work done. SQLite DDL is transactional, so the whole migration commits at once.
  withMigrationLock: (db, fn) => immediate(db, fn),
};

/** BEGIN IMMEDIATE takes the write lock up front, so a read-then-write never dead-ends in SQLITE_BUSY. */
async function immediate<T>(db: Kysely<any>, fn: (conn: Kysely<any>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/**
 * Opens the embedded SQLite store: WAL journal, foreign keys on, a busy timeout for other
 * processes (the CLI beside a running server), and `synchronous` as configured — NORMAL
 * keeps every committed transaction across a process crash; FULL also across power loss.
 */
export function createSqliteStorage(opts: SqliteOptions): Storage {
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const raw = new Database(opts.path);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${opts.synchronous}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // The directory index's triggers write each word with its org's mark (search.ts).
  raw.function(DIRECTORY_WORDS_FUNCTION, { deterministic: true }, directoryWords);

  // better-sqlite3 compiles a statement per prepare(); Kysely prepares per query, so keep
  // compiled statements by SQL text. Statements are only ever run to completion (.all/.run),
  // so none holds a read transaction open (the WAL checkpoint trap in recipes.md).
  const cache = new Map<string, Database.Statement>();
  const database = {
    prepare(source: string) {
      let stmt = cache.get(source);
      if (!stmt) {
        stmt = raw.prepare(source);
        if (cache.size > 500) cache.clear();
        cache.set(source, stmt);
      }
      return stmt;
    },
    close() {
      raw.close();
    },
  };
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: database as unknown as Database.Database }) });
  const templates = createTemplateCache();
  // The readers open the file once the schema is there: after migrate(), on the first search.
  let readers: ReaderPool | undefined;
  const threaded = opts.path !== ':memory:' && opts.searchThreads !== 0;
  const read: DirectoryReader | undefined = threaded
    ? (query) => (readers ??= createReaderPool({ path: opts.path, ...(opts.searchThreads ? { threads: opts.searchThreads } : {}), ...(opts.searchQueue !== undefined ? { queue: opts.searchQueue } : {}) })).read(query)
    : undefined;
  const repos = createRepos(db, flavor, opts.registry, templates, read);

  return {
    capabilities: { name: 'sqlite', rowLocks: false },
    repos,
    transaction: (fn) => immediate(db, (conn) => fn(transactionRepos(conn, flavor, opts.registry, templates))),
    migrate: (o) => migrateDatabase(db, flavor, opts.registry, opts.now, o?.migrations),
    inspectSchema: () => inspectSchema(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await readers?.close();
      await db.destroy();
    },
  };
}
