import { issue, type FieldIssue } from '../errors/profiled-error.ts';
import { compileValueParser, type ValueContext, type ValueParser } from './values.ts';
import type { FieldDef, FieldValue, Registry, Writer } from './types.ts';

/** A registry with everything derived from it computed once: lookups, parsers, column lists. */
export interface CompiledRegistry {
  readonly fields: Registry;
  readonly byName: ReadonlyMap<string, FieldDef>;
  /** Fields with a storage column that the registry (not a migration) owns. */
  readonly storedProfileFields: readonly FieldDef[];
  readonly storedAccountFields: readonly FieldDef[];
  /** Stored computed fields, recomputed when one of their inputs changes. */
  readonly derivedFields: readonly FieldDef[];
  /** Fields the directory may show. */
  readonly publicFields: readonly FieldDef[];
  /** Everything a person may read about their own profile: all but secrets. */
  readonly readableFields: readonly FieldDef[];
  parser(name: string): ValueParser | undefined;
}

export function compileRegistry(fields: Registry): CompiledRegistry {
  const byName = new Map<string, FieldDef>();
  const parsers = new Map<string, ValueParser>();
  for (const def of fields) {
    if (byName.has(def.name)) throw new Error(`registry: field "${def.name}" is declared twice`);
    if (!/^[a-z][a-z0-9_]*$/.test(def.name)) throw new Error(`registry: field name "${def.name}" is not snake_case`);
    if (!def.nullable && def.default === null && def.writer !== 'computed') {
      throw new Error(`registry: non-nullable field "${def.name}" needs a default`);
    }
    byName.set(def.name, def);
    parsers.set(def.name, compileValueParser(def));
  }
  for (const def of fields) {
    for (const input of def.derivedFrom ?? []) {
      if (!byName.has(input)) throw new Error(`registry: "${def.name}" is derived from unknown field "${input}"`);
    }
    if (def.derivedFrom && (!def.derive || def.writer !== 'computed')) throw new Error(`registry: derived field "${def.name}" must be computed and have derive()`);
  }
  const stored = (owner: FieldDef['owner']) => fields.filter((f) => f.owner === owner && !f.system && (f.writer !== 'computed' || f.derivedFrom));
  return Object.freeze({
    fields,
    byName,
    storedProfileFields: stored('profile'),
    storedAccountFields: stored('account'),
    derivedFields: fields.filter((f) => f.derivedFrom),
    publicFields: fields.filter((f) => f.public && !f.secret),
    readableFields: fields.filter((f) => !f.secret),
    parser: (name: string) => parsers.get(name),
  });
}

export interface ParseOptions extends ValueContext {
  /** The writers the caller acts as: self-service is `['self']`, an admin `['self', 'admin']`. */
  readonly writers: readonly Writer[];
}

export type ParseResult =
  | { readonly ok: true; readonly changes: Readonly<Record<string, FieldValue>> }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

/**
 * The one generic walker every write goes through. It takes canonical field names and raw
 * values, and rejects rather than ignores: an unknown field, a field the caller may not
 * write, a null where none is allowed and any value its type refuses are all reported,
 * every one of them, in a single result. Values land in a fresh null-prototype object.
 */
export function parseChanges(reg: CompiledRegistry, input: Readonly<Record<string, unknown>>, opts: ParseOptions): ParseResult {
  const changes: Record<string, FieldValue> = Object.create(null);
  const issues: FieldIssue[] = [];
  for (const name of Object.keys(input)) {
    const def = reg.byName.get(name);
    const raw = input[name];
    if (!def || def.secret) {
      issues.push(issue(name, 'profile.field_unknown', `Unknown field "${name}".`));
      continue;
    }
    if (!opts.writers.includes(def.writer)) {
      issues.push(issue(name, 'profile.field_not_writable', `The field "${name}" is read-only here.`));
      continue;
    }
    if (raw === null) {
      if (def.nullable) changes[name] = null;
      else issues.push(issue(name, 'profile.field_not_nullable', `The field "${name}" may not be null.`));
      continue;
    }
    const result = reg.parser(name)!(raw, opts);
    if (result.ok) changes[name] = result.value;
    else issues.push(issue(name, result.code, result.message, raw));
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, changes };
}

/**
 * The derived values a change implies: every stored computed field with an input among the
 * changes, recomputed over the values after the change.
 */
export function deriveChanges(
  reg: CompiledRegistry,
  before: Readonly<Record<string, FieldValue>>,
  changes: Readonly<Record<string, FieldValue>>,
): Record<string, FieldValue> {
  const derived: Record<string, FieldValue> = Object.create(null);
  const touched = (def: FieldDef) => def.derivedFrom!.some((input) => Object.hasOwn(changes, input));
  for (const def of reg.derivedFields) {
    if (!touched(def)) continue;
    // Only the declared inputs, after the change: copying the whole ninety-field row per write cost more than the rest of it.
    const inputs: Record<string, FieldValue> = Object.create(null);
    for (const input of def.derivedFrom!) inputs[input] = Object.hasOwn(changes, input) ? changes[input]! : before[input]!;
    derived[def.name] = def.derive!(inputs);
  }
  return derived;
}
