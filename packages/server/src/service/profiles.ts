import { deriveChanges, issue, parseChanges, ProfiledError, validationFailed, type FieldIssue, type FieldValue, type Writer } from '@profiled/core';
import { hashPassword, resolvePolicy, verifyPassword } from '../auth/passwords.ts';
import type { FieldChange, ProfileRecord, Repos } from '../storage/port.ts';
import { enqueueWebhookEvent } from './outbox.ts';
import { createVerificationService } from './verification.ts';
import { toView, type ProfileView } from './profile-view.ts';
import { throttleGuard } from './throttle.ts';
import { today, type Principal, type ServiceDeps } from './types.ts';

/** A password change riding along a profile write (the Nexudus credentials section). */
export interface PasswordChange {
  readonly current?: string | null;
  readonly next: string;
  /** When the contract asks for the new password twice. */
  readonly repeat?: string | null;
}

export interface PatchRequest {
  /** Canonical field name → raw value, as the dialect translated it. */
  readonly changes: Readonly<Record<string, unknown>>;
  readonly password?: PasswordChange;
  /** Apply only if the profile is still at (one of) these versions (If-Match). */
  readonly expectedVersion?: number | readonly number[];
  /** Refuse a request that would change nothing (ZITADEL answers "not changed"). */
  readonly requireChange?: boolean;
  /** Issues the dialect found while translating; reported together with ours. */
  readonly issues?: readonly FieldIssue[];
}

const SELF: readonly Writer[] = ['self'];
const PASSWORD_RULE_ISSUE_FIELD = 'new_password';

/** Reading and changing one's own profile: the rules every dialect shares. */
export function createProfileService(deps: ServiceDeps) {
  const { storage, registry, clock } = deps;
  const throttle = throttleGuard(deps);
  const verification = createVerificationService(deps);

  async function load(repos: Repos, principal: Principal, lock = false): Promise<ProfileRecord> {
    const record = await repos.findProfile(principal.profileId, { lock });
    if (!record || record.account_id !== principal.accountId) throw new ProfiledError('profile.not_found');
    return record;
  }

  /** Checks the password change and returns the new hash, or adds issues. */
  async function preparePassword(principal: Principal, record: ProfileRecord, change: PasswordChange, issues: FieldIssue[]): Promise<string | undefined> {
    const before = issues.length;
    if (change.repeat !== undefined && change.repeat !== change.next) {
      issues.push(issue('repeat_password', 'password.mismatch', 'The new passwords do not match.'));
    }
    const org = await storage.repos.findOrg({ id: record.org_id });
    try {
      deps.passwords.check(change.next, resolvePolicy(org?.settings.password_policy), {
        username: record.values['username'] as string,
        email: record.values['email'] as string | null,
      });
    } catch (err) {
      if (!(err instanceof ProfiledError)) throw err;
      issues.push(issue(PASSWORD_RULE_ISSUE_FIELD, err.code, err.message));
    }
    if (!change.current) {
      issues.push(issue('current_password', 'password.required', 'Enter your current password to set a new one.'));
      return undefined;
    }
    const account = await storage.repos.findAccount(principal.accountId);
    await throttle.check([`password:${principal.accountId}`]);
    if (!(await verifyPassword(account?.password_hash ?? null, change.current))) {
      await throttle.fail([`password:${principal.accountId}`]);
      // An account of the outside identity provider has no password here to change.
      issues.push(issue('current_password', 'password.incorrect', account && !account.password_hash ? 'This account has no Profiled password: it signs in through the outside identity provider.' : 'The current password is incorrect.'));
      return undefined;
    }
    await throttle.clear([`password:${principal.accountId}`]);
    if (change.next === change.current) issues.push(issue(PASSWORD_RULE_ISSUE_FIELD, 'password.unchanged', 'The new password must differ from the current one.'));
    return issues.length === before ? hashPassword(change.next) : undefined;
  }

  return {
    async get(principal: Principal): Promise<ProfileView> {
      return toView(storage.repos, await load(storage.repos, principal), principal.profileId);
    },

    /**
     * Applies a partial update whole or not at all: validation first (every issue at once),
     * then, in one transaction holding the profile, the version check, the write and its event.
     * A request that changes nothing answers the current profile and appends no event.
     */
    async patch(principal: Principal, req: PatchRequest): Promise<ProfileView> {
      const parsed = parseChanges(registry, req.changes, { writers: SELF, today: today(clock) });
      const issues: FieldIssue[] = [...(req.issues ?? []), ...(parsed.ok ? [] : parsed.issues)];
      const changes = parsed.ok ? parsed.changes : {};
      // The password check (argon2, slow by design) runs before the transaction, never inside it.
      const newHash = req.password ? await preparePassword(principal, await load(storage.repos, principal), req.password, issues) : undefined;
      for (const field of ['username', 'email'] as const) {
        const value = changes[field];
        if (typeof value === 'string' && value !== '' && (await storage.repos.isTaken(field, value, principal.accountId))) {
          issues.push(issue(field, field === 'username' ? 'account.username_taken' : 'account.email_taken', undefined, value));
        }
      }
      if (issues.length > 0) throw validationFailed(issues);

      const record = await storage.transaction(async (tx) => {
        const before = await load(tx, principal, true);
        const expected = req.expectedVersion;
        if (expected !== undefined && !(typeof expected === 'number' ? expected === before.version : expected.includes(before.version))) {
          throw new ProfiledError('profile.version_conflict');
        }
        const at = clock.now().toISOString();
        // A person's new login email waits for its code (issue 10): it is not applied here.
        const newEmail = typeof changes['email'] === 'string' && changes['email'] !== '' && principal.kind !== 'service' ? changes['email'] : undefined;
        const effective: Readonly<Record<string, FieldValue>> = newEmail === undefined ? changes : Object.fromEntries(Object.entries(changes).filter(([k]) => k !== 'email'));
        if (newEmail !== undefined && newEmail !== before.values['email']) await verification.requestEmailChange(tx, before, newEmail, at);
        const diff = diffOf(before, { ...effective, ...deriveChanges(registry, before.values, effective) });
        if (diff.length === 0 && !newHash) {
          if (req.requireChange && !(newEmail !== undefined && newEmail !== before.values['email'])) throw new ProfiledError('profile.not_changed');
          return before;
        }
        const version = before.version + 1;
        const applied = Object.fromEntries(diff.map((d) => [d.field, d.new])) as Record<string, FieldValue>;
        await tx.updateProfile(before.id, applied, version, at);
        await tx.updateAccount(before.account_id, applied, at);
        const recorded: FieldChange[] = [...diff];
        if (newHash) {
          await tx.setPasswordHash(before.account_id, newHash, at);
          if (principal.sessionId) await tx.revokeSessionsOf(before.account_id, at, principal.sessionId);
          else await tx.revokeSessionsOf(before.account_id, at);
          recorded.push({ field: 'password' });
        }
        await tx.insertEvent({ profile_id: before.id, version, kind: newHash && diff.length === 0 ? 'account.password_changed' : 'profile.updated', actor_id: principal.accountId, at, changes: recorded });
        // Change webhooks ride in the same transaction (the outbox): names of fields, never values.
        const subject = { account_id: before.account_id, profile_id: before.id, version };
        if (diff.length > 0) await enqueueWebhookEvent(tx, at, 'profile.updated', { ...subject, changed_fields: diff.map((d) => d.field) });
        if (newHash) await enqueueWebhookEvent(tx, at, 'account.password_changed', subject);
        if (diff.some((d) => d.field === 'email')) await enqueueWebhookEvent(tx, at, 'account.email_changed', subject);
        // The row is ours until commit: the new state is the old one plus what we wrote.
        return { ...before, version, updated_at: at, values: { ...before.values, ...applied } };
      });
      return toView(storage.repos, record, principal.profileId);
    },

    /** Every profile of the caller's account, the active one marked. */
    async list(principal: Principal) {
      const rows = await storage.repos.listProfilesOf(principal.accountId);
      return rows.map((r) => ({ ...r, active: r.id === principal.profileId }));
    },

    /** The change history of the active profile, newest first, paginated by version. */
    async history(principal: Principal, opts: { beforeVersion?: number; limit: number }) {
      await load(storage.repos, principal);
      const events = await storage.repos.listEvents(principal.profileId, { ...opts, limit: opts.limit + 1 });
      const page = events.slice(0, opts.limit);
      return { events: page, nextBeforeVersion: events.length > opts.limit ? page.at(-1)!.version : undefined };
    },
  };
}

function diffOf(before: ProfileRecord, changes: Readonly<Record<string, FieldValue>>): FieldChange[] {
  const diff: FieldChange[] = [];
  for (const [field, value] of Object.entries(changes)) {
    const old = before.values[field] ?? null;
    if (JSON.stringify(old) !== JSON.stringify(value)) diff.push({ field, old, new: value });
  }
  return diff;
}

export type ProfileService = ReturnType<typeof createProfileService>;
