import { deriveChanges, issue, toE164, parseChanges, ProfiledError, validationFailed, type FieldIssue, type FieldValue, type Writer } from '@profiled/core';
import { hashPassword, resolvePolicy, verifyPassword } from '../auth/passwords.ts';
import type { FieldChange, ProfileRecord, Repos } from '../storage/port.ts';
import { enqueueWebhookEvent } from './outbox.ts';
import { createVerificationService, VERIFIED_FIELDS, type VerifiedField } from './verification.ts';
import { toView, type ProfileView } from './profile-view.ts';
import { collectBlobs, releaseReplaced } from './uploads/release.ts';
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
      await deps.passwords.check(change.next, resolvePolicy(org?.settings.password_policy), {
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

  /** The owner's view, with what waits for a code when anything does (one count rides on the read). */
  async function ownView(record: ProfileRecord, principal: Principal, pendingMayHaveChanged = false): Promise<ProfileView> {
    const view = await toView(storage.repos, record, principal.profileId);
    if (record.pending_changes === 0 && !pendingMayHaveChanged) return view;
    const pending = await verification.pendingOf(storage.repos, record.id);
    return pending.length > 0 ? { ...view, pending } : view;
  }

  /**
   * The verified fields this write asks to change: each goes to the code instead of the row.
   * A service account's and a cleared value apply at once; so does a number written in
   * another format (the same E.164). A new number that cannot be put in E.164 cannot be
   * texted, which is an issue of the field.
   */
  function requested(principal: Principal, before: ProfileRecord, changes: Readonly<Record<string, FieldValue>>): { field: VerifiedField; value: string; to: string }[] {
    if (principal.kind === 'service') return [];
    const out: { field: VerifiedField; value: string; to: string }[] = [];
    for (const field of VERIFIED_FIELDS) {
      if (!deps.settings.verifyChanges.includes(field)) continue;
      const value = changes[field];
      if (typeof value !== 'string' || value === '' || value === before.values[field]) continue;
      if (field === 'email') {
        out.push({ field, value, to: value });
        continue;
      }
      const to = toE164(value, Object.hasOwn(changes, 'country') ? changes['country'] : before.values['country']);
      if (!to) throw validationFailed([issue(field, 'profile.phone_unreachable', undefined, value)]);
      if (to !== before.values['mobile_phone_e164']) out.push({ field, value, to });
    }
    return out;
  }

  return {
    async get(principal: Principal): Promise<ProfileView> {
      return ownView(await load(storage.repos, principal), principal);
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
      const number = changes['mobile_phone'];
      if (typeof number === 'string' && number !== '' && principal.kind !== 'service' && deps.settings.verifyChanges.includes('mobile_phone') && !toE164(number, changes['country'] ?? null)) {
        // Only a number without its country code needs the stored one read: is it new, and where?
        const stored = (await load(storage.repos, principal)).values;
        const country = Object.hasOwn(changes, 'country') ? changes['country'] : stored['country'];
        if (number !== stored['mobile_phone'] && !toE164(number, country)) issues.push(issue('mobile_phone', 'profile.phone_unreachable', undefined, number));
      }
      if (issues.length > 0) throw validationFailed(issues);

      let released: string[] = [];
      const record = await storage.transaction(async (tx) => {
        const before = await load(tx, principal, true);
        const expected = req.expectedVersion;
        if (expected !== undefined && !(typeof expected === 'number' ? expected === before.version : expected.includes(before.version))) {
          throw new ProfiledError('profile.version_conflict');
        }
        const at = clock.now().toISOString();
        // A person's new login email or mobile number waits for its code (issue 10): not applied here.
        const waiting = requested(principal, before, changes);
        const effective: Readonly<Record<string, FieldValue>> = waiting.length === 0 ? changes : Object.fromEntries(Object.entries(changes).filter(([k]) => !waiting.some((w) => w.field === k)));
        for (const w of waiting) await verification.requestChange(tx, before, w.field, w.value, w.to, at);
        // Clearing the number drops a change waiting for it. (Writing the verified one again does
        // not: clients that send whole objects back would cancel it without meaning to.)
        if (before.pending_changes > 0 && changes['mobile_phone'] === null) {
          const stale = await tx.findPendingChange(before.id, 'mobile_phone');
          if (stale) await tx.deletePendingChange(stale.id);
        }
        const diff = diffOf(before, { ...effective, ...deriveChanges(registry, before.values, effective) });
        if (diff.length === 0 && !newHash) {
          if (waiting.length === 0) {
            if (req.requireChange) throw new ProfiledError('profile.not_changed');
            return before;
          }
          // The owner's view changed (a value now waits for its code): a new version, so ETags tell.
          const version = before.version + 1;
          await tx.updateProfile(before.id, {}, version, at);
          await tx.insertEvent({ profile_id: before.id, version, kind: 'profile.change_requested', actor_id: principal.accountId, at, changes: waiting.map((w) => ({ field: w.field })) });
          return { ...before, version, updated_at: at };
        }
        const version = before.version + 1;
        const applied = Object.fromEntries(diff.map((d) => [d.field, d.new])) as Record<string, FieldValue>;
        await tx.updateProfile(before.id, applied, version, at);
        await tx.updateAccount(before.account_id, applied, at);
        // An outside URL (or null) written over an uploaded picture or résumé ends the upload.
        released = await releaseReplaced(tx, before.id, diff.map((d) => d.field));
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
      await collectBlobs(storage.repos, released);
      return ownView(record, principal, Object.hasOwn(changes, 'email') || Object.hasOwn(changes, 'mobile_phone'));
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
