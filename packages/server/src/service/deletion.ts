import { ProfiledError, type FieldValue } from '@profiled/core';
import { verifyPassword } from '../auth/passwords.ts';
import { enqueueMail, enqueueWebhookEvent } from './outbox.ts';
import { throttleGuard } from './throttle.ts';
import { collectBlobs } from './uploads/release.ts';
import type { AccountRow } from '../storage/port.ts';
import type { Principal, ServiceDeps } from './types.ts';

const DAY_MS = 86_400_000;

/** One account in a purge report. */
export interface PurgeEntry {
  readonly account_id: string;
  /** Only in a dry run: whom the operator is about to erase. */
  readonly username?: string;
  readonly email?: string | null;
  readonly deletion_requested_at: string | null;
  /** When its grace period ends (ended, for an account erased now). */
  readonly due_at: string | null;
  readonly profiles: readonly string[];
}

/** What `purge` did, or with `dry_run` would do now, and (dry run only) what is still `scheduled`. */
export interface PurgeReport {
  readonly dry_run: boolean;
  readonly grace_days: number;
  readonly accounts: readonly PurgeEntry[];
  readonly scheduled?: readonly PurgeEntry[];
}

/**
 * Self-deletion (GDPR art. 17): asked with the current password, the account enters a grace
 * period (`deletion_grace_days`, 14 by default) during which every session and API key has
 * ended and a sign-in restores it; after it, `purge` erases the personal data. Events keep
 * their non-personal facts (which fields changed, when, the version); values go.
 */
export function createDeletionService(deps: ServiceDeps) {
  const { storage, registry, clock, settings } = deps;
  const throttle = throttleGuard(deps);

  return {
    async requestDeletion(principal: Principal, password: unknown): Promise<{ purge_after: string }> {
      if (typeof password !== 'string' || password === '') throw new ProfiledError('password.required', { message: 'Enter your current password to delete your account.', issues: [{ field: 'current_password', code: 'password.required', message: 'Enter your current password to delete your account.' }] });
      const key = `password:${principal.accountId}`;
      await throttle.check([key]);
      const account = await storage.repos.findAccount(principal.accountId);
      if (!account || !(await verifyPassword(account.password_hash, password))) {
        await throttle.fail([key]);
        throw new ProfiledError('password.incorrect', { issues: [{ field: 'current_password', code: 'password.incorrect', message: 'The current password is incorrect.' }] });
      }
      await throttle.clear([key]);
      const now = clock.now();
      const at = now.toISOString();
      const purgeAfter = new Date(now.getTime() + settings.deletionGraceDays * DAY_MS).toISOString();
      await storage.transaction(async (tx) => {
        await tx.setAccountStatus(account.id, 'deleting', at, at);
        await tx.revokeSessionsOf(account.id, at);
        await tx.revokeApiKeysOf(account.id, at);
        if (account.email) {
          await enqueueMail(tx, at, account.id, {
            to: account.email,
            kind: 'account.deletion_requested',
            subject: 'Your account will be deleted',
            text: `You asked for your account to be deleted. Its personal data will be erased after ${purgeAfter}.\nUntil then, signing in restores the account.\n`,
          });
        }
      });
      return { purge_after: purgeAfter };
    },

    /**
     * Erases every account whose grace period has ended; with `dryRun`, only reports them,
     * and also lists under `scheduled` the accounts still in their grace period, each with
     * the time it falls due (from today's `deletion_grace_days`). Each erasure is one
     * transaction, and queues `account.deleted` to the webhooks.
     */
    async purge(opts: { dryRun?: boolean } = {}): Promise<PurgeReport> {
      const now = clock.now();
      const graceMs = settings.deletionGraceDays * DAY_MS;
      const before = new Date(now.getTime() - graceMs).toISOString();
      const dueAt = (account: AccountRow) => (account.deletion_requested_at ? new Date(Date.parse(account.deletion_requested_at) + graceMs).toISOString() : null);
      // Who it is, for the operator checking a dry run; an erased account's identifiers are not echoed back.
      const entryOf = async (account: AccountRow): Promise<PurgeEntry> => ({
        account_id: account.id,
        ...(opts.dryRun ? { username: account.username, email: account.email } : {}),
        deletion_requested_at: account.deletion_requested_at ?? null,
        due_at: dueAt(account),
        profiles: (await storage.repos.listProfilesOf(account.id)).map((p) => p.id),
      });
      const due = await storage.repos.listAccountsDueForPurge(before);
      const report: PurgeEntry[] = [];
      for (const account of due) {
        const entry = await entryOf(account);
        report.push(entry);
        if (opts.dryRun) continue;
        const defaults: Record<string, FieldValue> = Object.create(null);
        for (const def of registry.storedProfileFields) defaults[def.name] = def.default;
        const at = now.toISOString();
        const released: string[] = [];
        await storage.transaction(async (tx) => {
          // Uploaded pictures and résumés are personal data: their files go once nothing else refers to them.
          for (const profileId of entry.profiles) released.push(...(await tx.removeUpload(profileId)));
          await tx.eraseAccount(account.id, { username: `deleted-${account.id}`, at }, defaults);
          // Reset and invitation links (issue 19) are credentials of the person: gone with them.
          await tx.deleteAccountTokensOf(account.id);
          await enqueueWebhookEvent(tx, at, 'account.deleted', { account_id: account.id, profile_ids: entry.profiles });
        });
        await collectBlobs(storage.repos, released);
      }
      // Only a dry run looks ahead: the server's own purge runs every minute and needs no list.
      if (!opts.dryRun) return { dry_run: false, grace_days: settings.deletionGraceDays, accounts: report };
      const scheduled: PurgeEntry[] = [];
      for (const account of await storage.repos.listAccountsScheduledForPurge(before)) scheduled.push(await entryOf(account));
      return { dry_run: true, grace_days: settings.deletionGraceDays, accounts: report, scheduled };
    },
  };
}

export type DeletionService = ReturnType<typeof createDeletionService>;
