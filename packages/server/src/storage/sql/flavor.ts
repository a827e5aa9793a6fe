import type { FieldDef, FieldValue } from '@profiled/core';
import type { Kysely, SelectQueryBuilder } from 'kysely';

/**
 * What differs between SQL databases, as capabilities and small conversions. Each backend
 * folder provides one; the shared repositories and migrations ask it, never "which database".
 */
export interface SqlFlavor {
  readonly name: string;
  readonly rowLocks: boolean;
  /** Column types for the logical types migrations and the registry use. */
  readonly types: {
    readonly text: 'text';
    readonly integer: 'integer';
    readonly bigint: 'bigint' | 'integer';
    readonly real: 'real' | 'double precision';
    readonly boolean: 'integer' | 'boolean';
    readonly json: 'text' | 'jsonb';
  };
  /** SQL for an auto-incrementing integer primary key column. */
  readonly autoIncrementPrimaryKey: string;
  /**
   * Adds a unique integer column numbered 1, 2, 3… to an existing table: existing rows get
   * numbers, and every row inserted later gets the next one.
   */
  addSequenceColumn(db: Kysely<any>, table: string, column: string): Promise<void>;
  encodeBoolean(value: boolean): unknown;
  decodeBoolean(value: unknown): boolean;
  encodeJson(value: unknown): unknown;
  decodeJson(value: unknown): unknown;
  /** Full-text search over profiles: the one capability whose SQL has nothing in common. */
  readonly search: SearchCapability;
  /** Runs `fn` holding the database-wide migration lock. */
  withMigrationLock<T>(db: Kysely<any>, fn: (db: Kysely<any>) => Promise<T>): Promise<T>;
}

export type ColumnKind = 'text' | 'integer' | 'real' | 'boolean' | 'json';

/** The storage kind of a registry field's value. */
export function columnKind(def: FieldDef): ColumnKind {
  switch (def.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'real';
    case 'string_list':
    case 'id_list':
    case 'json':
      return 'json';
    default:
      return 'text';
  }
}

export function encodeValue(flavor: SqlFlavor, def: FieldDef, value: FieldValue): unknown {
  if (value === null) return null;
  switch (columnKind(def)) {
    case 'boolean':
      return flavor.encodeBoolean(value as boolean);
    case 'json':
      return flavor.encodeJson(value);
    default:
      return value;
  }
}

export function decodeValue(flavor: SqlFlavor, def: FieldDef, raw: unknown): FieldValue {
  if (raw === null || raw === undefined) return null;
  switch (columnKind(def)) {
    case 'boolean':
      return flavor.decodeBoolean(raw);
    case 'json':
      return flavor.decodeJson(raw) as FieldValue;
    case 'integer':
    case 'real':
      return Number(raw);
    default:
      return raw as FieldValue;
  }
}

export type ProfileQuery = SelectQueryBuilder<any, any, any>;

export interface SearchCapability {
  /** Creates the index over these profile columns and keeps it in step with every write. */
  createIndex(db: Kysely<any>, columns: readonly string[]): Promise<void>;
  /** Builds the index again over these columns, for a migration that changes how it splits words. */
  rebuildIndex(db: Kysely<any>, columns: readonly string[]): Promise<void>;
  /** Replaces the database functions the index is computed with by faster ones of the same results, keeping the index. */
  replaceFunctions(db: Kysely<any>): Promise<void>;
  /**
   * Restricts a query over `profiles as p` to rows matching every term (as a prefix) and
   * selects `search_rank`, lower for better matches. Terms are letters and digits only.
   */
  match(query: ProfileQuery, terms: readonly string[]): ProfileQuery;
  /** Restricts a query over `profiles as p` to rows whose tags include `tag`, ignoring case. */
  hasTag(query: ProfileQuery, tag: string): ProfileQuery;
}
