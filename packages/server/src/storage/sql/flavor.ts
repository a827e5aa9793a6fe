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
    /** Bytes (uploaded files, migration 0012). */
    readonly binary: 'blob' | 'bytea';
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
  /** Whether a statement failed on a foreign key (a row still referred to, or one referring to nothing). */
  isForeignKeyViolation(err: unknown): boolean;
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

/** What a directory search asks for: every term as a prefix, and a tag. */
export interface DirectoryFilter {
  readonly terms: readonly string[];
  readonly tag?: string;
}

/** One org's part of the directory index: its id, and its number (migration 0011), which scopes index keys. */
export interface DirectoryScope {
  readonly orgId: string;
  readonly orgNumber: number;
}

export interface SearchCapability {
  /** Creates the index over these profile columns and keeps it in step with every write (migration 0003). */
  createIndex(db: Kysely<any>, columns: readonly string[]): Promise<void>;
  /** Builds the index again over these columns, for a migration that changes how it splits words. */
  rebuildIndex(db: Kysely<any>, columns: readonly string[]): Promise<void>;
  /** Replaces the database functions the index is computed with by faster ones of the same results, keeping the index. */
  replaceFunctions(db: Kysely<any>): Promise<void>;
  /**
   * Replaces the index of migration 0003 by one that holds each org apart and only the
   * profiles the directory lists (public, of an active account), so that a search reads the
   * org searched and nothing else (migration 0011). Kept in step with every write.
   */
  createDirectoryIndex(db: Kysely<any>, columns: readonly string[]): Promise<void>;
  /**
   * `directory_versions (org_id, version)`: a number per org that every write which can
   * change what its directory shows raises, in the same statement as the write (migration
   * 0014) — a listed profile inserted, changed, deleted or made private, its account
   * changed, a follow of a listed profile, the org renamed. Rendered pages are kept against it.
   */
  createDirectoryVersions(db: Kysely<any>): Promise<void>;
  /**
   * The org's listed profiles matching a filter of this shape, narrow: `page_id`,
   * `page_name` and, when ranked (there are terms), `search_rank`, lower for better matches.
   * Its values are slots (prepared.ts), filled from {@link directoryValues}: the SQL of a
   * shape never changes, so it is built and compiled once.
   */
  matches(db: Kysely<any>, shape: { readonly ranked: boolean; readonly tag: boolean }): ProfileQuery;
  /** The org's listed profiles as `page_id`, `page_name`, after the (name, id) keyset when `after`. */
  listed(db: Kysely<any>, after: boolean): ProfileQuery;
  /** The slot values of {@link matches} and {@link listed} for this org and filter. Terms are letters and digits only. */
  directoryValues(scope: DirectoryScope, filter: DirectoryFilter, after?: { readonly name: string; readonly id: string }): Record<string, unknown>;
}
