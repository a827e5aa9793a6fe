import type { CompiledRegistry } from '@profiled/core';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Storage } from '../port.ts';
import type { SqlFlavor } from '../sql/flavor.ts';
import { postgresSearch } from './search.ts';
import { inspectSchema, migrateDatabase } from '../sql/migrator.ts';
import { createTemplateCache } from '../sql/prepared.ts';
import { createRepos } from '../sql/repos.ts';

export interface PostgresOptions {
  readonly url: string;
  readonly registry: CompiledRegistry;
  readonly now: () => string;
  readonly poolSize?: number;
}

// An arbitrary constant that names Profiled's migration lock among advisory locks.
const MIGRATION_LOCK_ID = 7_261_115_021;

const flavor: SqlFlavor = {
  name: 'postgres',
  rowLocks: true,
  types: { text: 'text', integer: 'integer', bigint: 'bigint', real: 'double precision', boolean: 'boolean', json: 'jsonb' },
  autoIncrementPrimaryKey: 'bigint generated always as identity primary key',
  search: postgresSearch,
  encodeBoolean: (v) => v,
  decodeBoolean: (v) => v === true,
  // Always send JSON as text: pg would otherwise turn a JS array into a PostgreSQL array.
  encodeJson: (v) => JSON.stringify(v),
  decodeJson: (v) => v,
  withMigrationLock: (db, fn) =>
    db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`.execute(trx);
      return fn(trx);
    }),
};

/** Opens PostgreSQL through a pooled `pg` client. Row locks serialise writers per profile. */
export function createPostgresStorage(opts: PostgresOptions): Storage {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        // int8 (counts, bigint columns) fits in a double for every value we store.
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
    },
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  const templates = createTemplateCache();
  return {
    capabilities: { name: 'postgres', rowLocks: true },
    repos: createRepos(db, flavor, opts.registry, templates),
    transaction: (fn) => db.transaction().execute((trx) => fn(createRepos(trx, flavor, opts.registry, templates))),
    migrate: (o) => migrateDatabase(db, flavor, opts.registry, opts.now, o?.migrations),
    inspectSchema: () => inspectSchema(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
