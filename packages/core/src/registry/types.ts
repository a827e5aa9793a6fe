/**
 * The vocabulary of the field registry: what a field declaration may say.
 * Every rule about a profile field is stated once, in a `FieldDef`; validation,
 * storage columns, OpenAPI schemas and portal form metadata are derived from it.
 */

/** The value kinds the generic walker knows how to parse. */
export type FieldType =
  | 'string' // one line of text
  | 'text' // multi-line text (Markdown), newlines and tabs allowed
  | 'username'
  | 'email'
  | 'url' // absolute http(s) URL
  | 'social' // http(s) URL or a handle
  | 'phone'
  | 'date' // ISO 8601 calendar date, YYYY-MM-DD
  | 'boolean'
  | 'integer'
  | 'number'
  | 'enum'
  | 'country' // ISO 3166-1 alpha-2
  | 'language' // BCP 47 tag
  | 'string_list'
  | 'id_list'
  | 'json'
  | 'id' // opaque identifier (system fields)
  | 'datetime'; // RFC 3339 timestamp (system fields)

/** Who may write a field: the person through self-service, an admin only, or nobody. */
export type Writer = 'self' | 'admin' | 'computed';

/** Where a stored field lives: on the login identity or on the per-org profile. */
export type Owner = 'account' | 'profile';

/** The groups the portal shows as pages and the docs as sections. */
export type Section =
  | 'system'
  | 'account'
  | 'personal'
  | 'address'
  | 'billing'
  | 'professional'
  | 'social'
  | 'notifications'
  | 'developer'
  | 'standing'
  | 'network';

export type FieldValue = string | number | boolean | null | readonly string[] | readonly number[] | JsonValue;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One canonical field, declared once. */
export interface FieldDef {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly section: Section;
  readonly owner: Owner;
  readonly type: FieldType;
  readonly writer: Writer;
  /** May the value be null (absent)? */
  readonly nullable: boolean;
  /** Listed in the member directory when the profile is public. */
  readonly public: boolean;
  /** Value of a fresh profile; `null` only for nullable fields. */
  readonly default: FieldValue;
  /** Unique across all accounts (compared case-insensitively). */
  readonly unique?: boolean;
  /** System fields have fixed columns created by migrations, not by the registry. */
  readonly system?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  readonly patternHint?: string;
  readonly values?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxItems?: number;
  readonly itemMaxLength?: number;
  /** For json fields: the largest serialized size in bytes and the deepest nesting. */
  readonly maxBytes?: number;
  readonly maxDepth?: number;
  /** Indexed for the member directory's full-text search (public fields only). */
  readonly searchable?: boolean;
  /** A secret is never returned, logged or recorded in history. */
  readonly secret?: boolean;
  /**
   * A computed field that is stored: recomputed from these fields whenever one of them
   * changes, in the same write.
   */
  readonly derivedFrom?: readonly string[];
  /** Computes the value from the fields of `derivedFrom` (the only ones it is given). */
  readonly derive?: (values: Readonly<Record<string, FieldValue>>) => FieldValue;
}

export type Registry = readonly FieldDef[];
