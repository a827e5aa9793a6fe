import { randomUUID } from 'node:crypto';
import { deriveChanges, issue, type CompiledRegistry, type FieldIssue, type FieldValue } from '@profiled/core';
import type { AccountRow, EventRow, FieldChange, OrgRow, ProfileRecord, Repos } from '../../storage/port.ts';
import { enqueueWebhookEvent } from '../outbox.ts';
import { releaseReplaced } from '../uploads/release.ts';
import type { PreparedRow } from './rows.ts';

/** A row's problem as the summary shows it; `field` is null for a row that could not be read at all. */
export interface RowError {
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
}

/** What became of one row. `invite`: a new account without a password, for `--invite`. */
export type RowOutcome =
  | { readonly status: 'created'; readonly line: number; readonly invite?: { readonly accountId: string; readonly email: string } }
  | { readonly status: 'updated' | 'unchanged'; readonly line: number }
  | { readonly status: 'failed'; readonly line: number; readonly issues: readonly RowError[] };

export interface ApplyContext {
  readonly registry: CompiledRegistry;
  readonly org: OrgRow;
  readonly now: () => string;
}

const lower = (s: string) => s.toLowerCase();
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The accounts a batch may touch, by lower-cased username and email. Both share one
 * namespace (sign-in takes either), so a value is taken when any account holds it as either.
 */
class Logins {
  readonly byEmail = new Map<string, AccountRow>();
  readonly byUsername = new Map<string, AccountRow>();
  constructor(accounts: readonly AccountRow[]) {
    for (const a of accounts) this.put(a);
  }
  put(a: AccountRow, before?: AccountRow): void {
    if (before?.email) this.byEmail.delete(lower(before.email));
    if (before) this.byUsername.delete(lower(before.username));
    if (a.email) this.byEmail.set(lower(a.email), a);
    this.byUsername.set(lower(a.username), a);
  }
  holder(value: string): AccountRow | undefined {
    return this.byUsername.get(lower(value)) ?? this.byEmail.get(lower(value));
  }
}

const taken = (field: 'username' | 'email', how = '') =>
  issue(field, field === 'username' ? 'account.username_taken' : 'account.email_taken', `${field === 'username' ? 'That username' : 'That email address'} is already in use by another account${how}.`);

/**
 * Applies a batch of validated rows in the caller's transaction, in file order. Rows match
 * existing accounts by email, then by username; a match is updated with what differs (nothing
 * at all is written when nothing does), anything else is created — an account, its profile
 * in the org and its `profile.created` event, through the same storage writes as the API,
 * which keep the directory's search index in step. A later row of the same batch sees what
 * an earlier one did.
 */
export async function applyBatch(tx: Repos, ctx: ApplyContext, rows: readonly PreparedRow[]): Promise<RowOutcome[]> {
  const keys = new Set<string>();
  for (const r of rows) for (const v of [r.email, r.username]) if (v) keys.add(lower(v));
  const known = new Logins(await tx.findAccountsByLogins([...keys]));
  const ids = [...new Set([...known.byUsername.values()].map((a) => a.id))];
  const profiles = new Map((await tx.findProfilesOfAccounts(ids, ctx.org.id)).map((p) => [p.account_id, p] as const));
  const pending = new Pending();
  const out: RowOutcome[] = [];
  for (const row of rows) out.push(await applyRow(tx, ctx, row, { known, profiles, pending }));
  await pending.flush(tx);
  return out;
}

/**
 * New accounts, profiles and events, written at the end of the batch in a few multi-row
 * statements (a row at a time cost PostgreSQL three round trips per member).
 */
class Pending {
  accounts: AccountRow[] = [];
  profiles: Parameters<Repos['insertProfile']>[0][] = [];
  events: EventRow[] = [];
  readonly owners = new Set<string>();
  async flush(tx: Repos): Promise<void> {
    if (this.accounts.length > 0) await tx.insertAccounts(this.accounts);
    if (this.profiles.length > 0) await tx.insertProfiles(this.profiles);
    if (this.events.length > 0) await tx.insertEvents(this.events);
    [this.accounts, this.profiles, this.events] = [[], [], []];
    this.owners.clear();
  }
}

interface BatchState {
  readonly known: Logins;
  readonly profiles: Map<string, ProfileRecord>;
  readonly pending: Pending;
}

async function applyRow(tx: Repos, ctx: ApplyContext, row: PreparedRow, { known, profiles, pending }: BatchState): Promise<RowOutcome> {
  const fail = (...issues: FieldIssue[]): RowOutcome => ({ status: 'failed', line: row.line, issues });
  const match = (row.email && known.byEmail.get(lower(row.email))) || (row.username && known.byUsername.get(lower(row.username))) || undefined;
  // A second row for a member created earlier in the batch: write what waits first, then update it.
  if (match && pending.owners.has(match.id)) await pending.flush(tx);
  if (match?.kind === 'service') return fail(taken(row.email ? 'email' : 'username', ' (a service account, which an import does not change)'));
  if (!match) {
    if (!row.email) return fail(issue('username', 'profile.field_required', 'No account has this username; a new member needs an email address.'));
    const username = row.username ?? row.email;
    const problems = [...(known.holder(username) ? [taken('username')] : []), ...(known.holder(row.email) ? [taken('email')] : [])];
    if (problems.length > 0) return fail(...problems);
  }
  const at = ctx.now();
  const account: AccountRow = match ?? {
    id: randomUUID(),
    username: row.username ?? row.email!,
    email: row.email!,
    kind: 'human',
    password_hash: row.passwordHash ?? null,
    status: 'active',
    default_org_id: ctx.org.id,
    created_at: at,
    updated_at: at,
  };
  if (!match) pending.accounts.push(account);

  // The account's own fields: what the row changes, if no one else holds the new value.
  const accountDiff: FieldChange[] = [];
  if (match) {
    for (const field of ['username', 'email'] as const) {
      const value = row[field];
      if (value === undefined || value === match[field]) continue;
      const holder = known.holder(value);
      if (holder && holder.id !== match.id) return fail(taken(field));
      accountDiff.push({ field, old: match[field], new: value });
    }
  }
  const setsPassword = match !== undefined && row.passwordHash !== undefined && match.password_hash === null;

  const existing = profiles.get(account.id);
  if (!existing) {
    // A new member of the org: a new account, or an existing one's first profile here.
    const values = newProfileValues(ctx, row.profile);
    const id = randomUUID();
    if (accountDiff.length > 0) await tx.updateAccount(account.id, Object.fromEntries(accountDiff.map((d) => [d.field, d.new as FieldValue])), at);
    if (setsPassword) await tx.setPasswordHash(account.id, row.passwordHash!, at);
    pending.profiles.push({ id, account_id: account.id, org_id: ctx.org.id, version: 1, created_at: at, updated_at: at, values });
    pending.events.push({ profile_id: id, version: 1, kind: 'profile.created', actor_id: null, at, changes: [] });
    pending.owners.add(account.id);
    const now = remember(known, account, accountDiff, setsPassword ? row.passwordHash! : undefined, at);
    profiles.set(account.id, { id, account_id: account.id, org_id: ctx.org.id, version: 1, number: 0, created_at: at, updated_at: at, followers: 0, following: 0, pending_changes: 0, values: Object.assign(values, { username: now.username, email: now.email }) });
    return match || row.passwordHash || !account.email ? { status: 'created', line: row.line } : { status: 'created', line: row.line, invite: { accountId: account.id, email: account.email } };
  }

  const changes = { ...row.profile, ...deriveChanges(ctx.registry, existing.values, row.profile) };
  const profileDiff: FieldChange[] = Object.entries(changes)
    .filter(([field, value]) => !same(existing.values[field], value))
    .map(([field, value]) => ({ field, old: existing.values[field] ?? null, new: value }));
  const diff = [...accountDiff, ...profileDiff];
  if (diff.length === 0 && !setsPassword) return { status: 'unchanged', line: row.line };

  const version = existing.version + 1;
  const applied = Object.fromEntries(diff.map((d) => [d.field, d.new])) as Record<string, FieldValue>;
  await tx.updateProfile(existing.id, applied, version, at);
  // The blobs an import's write lets go of are collected by the upload sweep.
  await releaseReplaced(tx, existing.id, profileDiff.map((d) => d.field));
  if (accountDiff.length > 0) await tx.updateAccount(account.id, applied, at);
  if (setsPassword) await tx.setPasswordHash(account.id, row.passwordHash!, at);
  await tx.insertEvent({ profile_id: existing.id, version, kind: 'profile.imported', actor_id: null, at, changes: setsPassword ? [...diff, { field: 'password' }] : diff });
  const subject = { account_id: account.id, profile_id: existing.id, version };
  if (diff.length > 0) await enqueueWebhookEvent(tx, at, 'profile.updated', { ...subject, changed_fields: diff.map((d) => d.field), by_import: true });
  if (accountDiff.some((d) => d.field === 'email')) await enqueueWebhookEvent(tx, at, 'account.email_changed', subject);
  remember(known, account, accountDiff, setsPassword ? row.passwordHash! : undefined, at);
  profiles.set(account.id, { ...existing, version, updated_at: at, values: { ...existing.values, ...applied } });
  return { status: 'updated', line: row.line };
}

/** A new profile's values: the row's, the defaults for the rest, and what they derive. Built field by field: copying a ninety-field object is slow. */
function newProfileValues(ctx: ApplyContext, given: Readonly<Record<string, FieldValue>>): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = Object.create(null);
  for (const def of ctx.registry.storedProfileFields) values[def.name] = Object.hasOwn(given, def.name) ? given[def.name]! : def.default;
  const derived = deriveChanges(ctx.registry, values, given);
  for (const name in derived) values[name] = derived[name]!;
  return values;
}

/** Keeps the batch's view of the account as the row left it, for the rows after it. */
function remember(known: Logins, before: AccountRow, diff: readonly FieldChange[], hash: string | undefined, at: string): AccountRow {
  const after: AccountRow = { ...before, ...Object.fromEntries(diff.map((d) => [d.field, d.new])), ...(hash ? { password_hash: hash } : {}), ...(diff.length > 0 || hash ? { updated_at: at } : {}) };
  known.put(after, before);
  return after;
}
