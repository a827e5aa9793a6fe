import { issue, parseChanges, type CompiledRegistry, type FieldIssue, type FieldValue, type Writer } from '@profiled/core';
import { hashFormat } from '../../auth/foreign-hashes.ts';
import { fromCells } from './cells.ts';
import type { VocabularyResolver } from './vocabulary.ts';

/**
 * What an import may set: every field the person may write and every admin-only field (the
 * standing fields another system exports), through the same registry walker as the API;
 * never a computed one. `kind` is the exception: an import brings members (human accounts),
 * and making an administrator stays a deliberate act of its own.
 */
export const IMPORT_WRITERS: readonly Writer[] = ['self', 'admin'];
/** The one column that is no registry field: a password hash exported by another system. */
export const PASSWORD_HASH = 'password_hash';
const NOT_IMPORTED = new Set(['kind']);

const notImported = (name: string) => issue(name, 'profile.field_not_writable', `An import creates members (human accounts): "${name}" is not set by an import.`);

/** A row that passed validation: canonical values split by where they live, and the hash to store. */
export interface PreparedRow {
  readonly line: number;
  /** The row's email and username, when it gives them (what it is matched by). */
  readonly email: string | undefined;
  readonly username: string | undefined;
  /** Account fields (username, email) and profile fields, as the walker returned them. */
  readonly account: Readonly<Record<string, FieldValue>>;
  readonly profile: Readonly<Record<string, FieldValue>>;
  readonly passwordHash: string | undefined;
}

export type Prepared = { readonly ok: true; readonly row: PreparedRow } | { readonly ok: false; readonly line: number; readonly issues: readonly FieldIssue[] };

export interface RowContext {
  readonly registry: CompiledRegistry;
  readonly today: string;
  readonly vocabulary: VocabularyResolver;
}

/** The header's problems: a column that is no importable field, or named twice. */
export function columnIssues(registry: CompiledRegistry, columns: readonly string[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) issues.push(issue(name, 'import.malformed_row', `The column "${name}" appears twice in the header.`));
    seen.add(name);
    if (name === PASSWORD_HASH) continue;
    const def = registry.byName.get(name);
    if (NOT_IMPORTED.has(name)) issues.push(notImported(name));
    else if (!def || def.secret) issues.push(issue(name, 'profile.field_unknown', `Unknown field "${name}".`));
    else if (!IMPORT_WRITERS.includes(def.writer)) issues.push(issue(name, 'profile.field_not_writable', `The field "${name}" is set by the system.`));
  }
  return issues;
}

/**
 * Validates one row as a profile write: CSV text to the fields' types, vocabulary names to
 * ids, then the registry walker with the import's writers; the hash must be in a supported
 * format. Every problem of the row is reported at once. Values are never echoed back, and
 * the hash never is.
 */
export function prepareRow(ctx: RowContext, line: number, input: Readonly<Record<string, unknown>>, cells: boolean): Prepared {
  const issues: FieldIssue[] = [];
  const converted = cells ? fromCells(ctx.registry, input) : { values: { ...input }, issues: [] };
  const values: Record<string, unknown> = Object.create(null);
  Object.assign(values, converted.values);
  issues.push(...converted.issues);
  for (const i of converted.issues) delete values[i.field];

  let passwordHash: string | undefined;
  const hash = values[PASSWORD_HASH];
  delete values[PASSWORD_HASH];
  if (typeof hash === 'string' && hash !== '') {
    if (hashFormat(hash)) passwordHash = hash;
    else issues.push(issue(PASSWORD_HASH, 'import.unsupported_hash'));
  } else if (hash !== undefined && hash !== null && hash !== '') {
    issues.push(issue(PASSWORD_HASH, 'import.unsupported_hash', 'The password hash must be a string.'));
  }
  for (const name of NOT_IMPORTED) {
    if (!Object.hasOwn(values, name)) continue;
    issues.push(notImported(name));
    delete values[name];
  }
  issues.push(...ctx.vocabulary(values));

  const parsed = parseChanges(ctx.registry, values, { writers: IMPORT_WRITERS, today: ctx.today });
  if (!parsed.ok) issues.push(...parsed.issues);
  const changes = parsed.ok ? parsed.changes : {};
  const email = changes['email'];
  const username = changes['username'];
  if (Object.hasOwn(changes, 'email') && (email === null || email === '')) {
    issues.push(issue('email', 'profile.field_required', 'A member\'s email address cannot be cleared by an import.'));
  }
  if (parsed.ok && email === undefined && username === undefined) {
    issues.push(issue('email', 'profile.field_required', 'A row needs an email address (or the username of an existing account).'));
  }
  if (issues.length > 0) return { ok: false, line, issues: issues.map(({ field, code, message }) => ({ field, code, message })) };

  const account: Record<string, FieldValue> = Object.create(null);
  const profile: Record<string, FieldValue> = Object.create(null);
  for (const [name, value] of Object.entries(changes)) (ctx.registry.byName.get(name)!.owner === 'account' ? account : profile)[name] = value;
  return { ok: true, row: { line, email: email as string | undefined, username: username as string | undefined, account, profile, passwordHash } };
}
