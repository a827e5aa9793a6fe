import { ProfiledError, type FieldValue } from '@profiled/core';
import { verifyPassword } from '../auth/passwords.ts';
import { enqueueMail, enqueueWebhookEvent } from './outbox.ts';
import { throttleGuard } from './throttle.ts';
import type { Principal, ServiceDeps } from './types.ts';

const DAY_MS = 86_400_000;

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
     * Erases every account whose grace period has ended; with `dryRun`, only reports them.
     * Each erasure is one transaction, and queues `account.deleted` to the webhooks.
     */
    async purge(opts: { dryRun?: boolean } = {}) {
      const now = clock.now();
      const before = new Date(now.getTime() - settings.deletionGraceDays * DAY_MS).toISOString();
      const due = await storage.repos.listAccountsDueForPurge(before);
      const report = [];
      for (const account of due) {
        const profiles = await storage.repos.listProfilesOf(account.id);
        report.push({ account_id: account.id, deletion_requested_at: account.deletion_requested_at ?? null, profiles: profiles.map((p) => p.id) });
        if (opts.dryRun) continue;
        const defaults: Record<string, FieldValue> = Object.create(null);
        for (const def of registry.storedProfileFields) defaults[def.name] = def.default;
        const at = now.toISOString();
        await storage.transaction(async (tx) => {
          await tx.eraseAccount(account.id, { username: `deleted-${account.id}`, at }, defaults);
          await enqueueWebhookEvent(tx, at, 'account.deleted', { account_id: account.id, profile_ids: profiles.map((p) => p.id) });
        });
      }
      return { dry_run: opts.dryRun === true, grace_days: settings.deletionGraceDays, accounts: report };
    },
  };
}

export type DeletionService = ReturnType<typeof createDeletionService>;
