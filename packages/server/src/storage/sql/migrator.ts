import type { CompiledRegistry, FieldDef } from '@profiled/core';
import { sql, type Kysely } from 'kysely';
import type { MigrationReport, SchemaInfo } from '../port.ts';
import { columnKind, encodeValue, type SqlFlavor } from './flavor.ts';
import { migrations, type Migration } from './migrations.ts';

/**
 * Brings a database up to date under the flavor's migration lock: the numbered migrations
 * not yet applied, in order, with the registry's columns added where missing before each
 * (so a migration may index them) and after the last. A column whose type or nullability disagrees with the
 * registry stops the start-up rather than being altered silently. The flavor runs all of
 * it in one transaction, so a failed migration leaves the database as it was.
 */
export async function migrateDatabase(
  db: Kysely<any>,
  flavor: SqlFlavor,
  registry: CompiledRegistry,
  now: () => string,
  list: readonly Migration[] = migrations,
): Promise<MigrationReport> {
  return flavor.withMigrationLock(db, async (locked) => {
    await locked.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const done = new Set((await locked.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name as string));
    const known = new Set(list.map((m) => m.name));
    const unknown = [...done].filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new Error(`database has migrations this version does not know (${unknown.join(', ')}); refusing to start an older version on it`);
    }
    const applied: string[] = [];
    const addedColumns: string[] = [];
    const reconcileAll = async () => {
      addedColumns.push(...(await reconcile(locked, flavor, 'profiles', registry.storedProfileFields)));
      addedColumns.push(...(await reconcile(locked, flavor, 'accounts', registry.storedAccountFields)));
    };
    for (const m of list) {
      if (done.has(m.name)) continue;
      // A migration may build on registry columns (a search index over them): they come first.
      await reconcileAll();
      const at = now();
      await m.up(locked, flavor, at);
      await locked.insertInto('schema_migrations').values({ name: m.name, applied_at: at }).execute();
      applied.push(m.name);
    }
    await reconcileAll();
    return { applied, addedColumns };
  });
}

async function reconcile(db: Kysely<any>, flavor: SqlFlavor, table: string, fields: readonly FieldDef[]): Promise<string[]> {
  const tables = await db.introspection.getTables();
  const found = tables.find((t) => t.name === table);
  if (!found) return [];
  const existing = new Map(found.columns.map((c) => [c.name, c]));
  const added: string[] = [];
  const problems: string[] = [];
  for (const def of fields) {
    const column = existing.get(def.name);
    if (column) {
      if (def.nullable && !column.isNullable) {
        problems.push(`${table}.${def.name} is NOT NULL but the registry declares it nullable`);
      }
      continue;
    }
    const type = flavor.types[columnKind(def)];
    const fallback = def.default === null ? null : encodeValue(flavor, def, def.default);
    await db.schema
      .alterTable(table)
      .addColumn(def.name, sql.raw(type), (c) => {
        let col = c;
        // DDL defaults cannot be bound parameters; sql.lit escapes the registry's value.
        if (fallback !== null) col = col.defaultTo(sql.lit(fallback));
        if (!def.nullable) col = col.notNull();
        return col;
      })
      .execute();
    added.push(`${table}.${def.name}`);
  }
  if (problems.length > 0) throw new Error(`schema does not match the field registry:\n  ${problems.join('\n  ')}`);
  return added;
}

/** Every table's columns, through Kysely's introspection (works on each backend). */
export async function inspectSchema(db: Kysely<any>): Promise<SchemaInfo> {
  const tables = await db.introspection.getTables();
  return { tables: new Map(tables.map((t) => [t.name, new Map(t.columns.map((c) => [c.name, { nullable: c.isNullable, dataType: c.dataType }]))])) };
}
