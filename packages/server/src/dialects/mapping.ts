import { fieldSchema, issue, type CompiledRegistry, type ErrorCode, type FieldIssue, type FieldValue, type JsonSchema } from '@profiled/core';

/** A value transform's verdict: the canonical value, or why the wire value was refused. */
export type Translated = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** One line of a dialect's mapping table: a wire name and the canonical field behind it. */
export interface WireField {
  readonly wire: string;
  readonly field: string;
  /** Readable but never writable through this dialect. */
  readonly readOnly?: boolean;
  /** Overrides the canonical nullability on this wire (e.g. a contract that types a nullable field as non-null). */
  readonly nullable?: boolean;
  /** wire → canonical (e.g. a numeric country id to ISO alpha-2). Runs before the registry walker. */
  readonly toCanonical?: (value: unknown) => Translated;
  /** canonical → wire. */
  readonly toWire?: (value: FieldValue, values: Readonly<Record<string, FieldValue>>) => unknown;
  /** The wire value's schema, when it differs from the canonical field's. */
  readonly schema?: JsonSchema;
}

export interface TranslateOptions {
  /** Follow Django REST framework: read-only names are dropped silently, never applied. */
  readonly ignoreReadOnly?: boolean;
  /** Wire names the dialect handles itself (e.g. password fields); skipped here. */
  readonly handled?: ReadonlySet<string>;
}

/**
 * A dialect's declarative mapping between its wire names and canonical fields. The registry
 * keeps every rule; this table only names, transforms and narrows. The same table renders
 * responses, translates requests, names fields in errors and documents the wire schema.
 */
export function createMapping(registry: CompiledRegistry, table: readonly WireField[]) {
  const byWire = new Map(table.map((w) => [w.wire, w]));
  const byField = new Map(table.map((w) => [w.field, w]));
  for (const w of table) {
    if (!registry.byName.has(w.field)) throw new Error(`mapping: ${w.wire} names unknown field ${w.field}`);
  }

  return {
    table,
    /** Wire body → canonical changes, plus the issues found in translation (named by canonical field). */
    toCanonical(body: Readonly<Record<string, unknown>>, opts: TranslateOptions = {}): { changes: Record<string, unknown>; issues: FieldIssue[] } {
      const changes: Record<string, unknown> = Object.create(null);
      const issues: FieldIssue[] = [];
      for (const [name, value] of Object.entries(body)) {
        if (opts.handled?.has(name)) continue;
        const w = byWire.get(name);
        if (!w) {
          issues.push(issue(name, 'profile.field_unknown', `Unknown field "${name}".`));
          continue;
        }
        if (w.readOnly) {
          if (!opts.ignoreReadOnly) issues.push(issue(w.field, 'profile.field_not_writable', `The field "${name}" is read-only.`));
          continue;
        }
        if (value === null && w.nullable === false) {
          issues.push(issue(w.field, 'profile.field_not_nullable', `The field "${name}" may not be null.`));
          continue;
        }
        if (value !== null && w.toCanonical) {
          const t = w.toCanonical(value);
          if (!t.ok) {
            issues.push(issue(w.field, t.code, t.message, value));
            continue;
          }
          changes[w.field] = t.value;
        } else {
          changes[w.field] = value;
        }
      }
      return { changes, issues };
    },

    /** Canonical values → the wire object, in table order. */
    toWire(values: Readonly<Record<string, FieldValue>>): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const w of table) {
        const value = values[w.field] ?? null;
        out[w.wire] = w.toWire ? w.toWire(value, values) : value;
      }
      return out;
    },

    /** The values waiting for a code (verify before change) of fields this contract carries, under their wire names. */
    pending(values: readonly { readonly field: string; readonly value: string; readonly expires_at: string }[] | undefined): { field: string; value: string; expires_at: string }[] {
      return (values ?? []).filter((p) => byField.has(p.field)).map((p) => ({ field: byField.get(p.field)!.wire, value: p.value, expires_at: p.expires_at }));
    },

    /** The wire name of a canonical field (as issues name them), or the name itself. */
    wireName(field: string): string {
      return byField.get(field)?.wire ?? field;
    },

    /** The wire schema derived from the registry (and the table's overrides). */
    schema(opts: { title: string; writable: boolean }): JsonSchema {
      const properties: Record<string, JsonSchema> = {};
      for (const w of table) {
        if (opts.writable && w.readOnly) continue;
        const def = registry.byName.get(w.field)!;
        const base = w.schema ? { ...w.schema, description: (w.schema['description'] as string | undefined) ?? def.description } : fieldSchema(def);
        properties[w.wire] = w.readOnly ? { ...base, readOnly: true } : base;
      }
      const s: JsonSchema = { type: 'object', title: opts.title, properties, additionalProperties: false };
      if (!opts.writable) s['required'] = Object.keys(properties);
      return s;
    },
  };
}

export type Mapping = ReturnType<typeof createMapping>;
