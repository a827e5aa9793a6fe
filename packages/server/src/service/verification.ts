import { randomInt, randomUUID } from 'node:crypto';
import { ProfiledError } from '@profiled/core';
import { hashSecret, newSecret } from '../auth/tokens.ts';
import type { ProfileRecord, Repos } from '../storage/port.ts';
import { enqueueMail, enqueueWebhookEvent } from './outbox.ts';
import type { Principal, ServiceDeps } from './types.ts';

const UNDO_DAYS = 7;

/** A code is hashed with the pending change's id, so equal codes of two changes differ at rest. */
const codeHash = (pendingId: string, code: string) => hashSecret(`${pendingId}:${code}`);

/**
 * Verify before change (issue 10): a new login email is not applied when it is written but
 * kept pending, and a six-digit code (short-lived, single use, attempts limited, stored
 * hashed) is mailed to it. The right code applies it — with a notice to the old address
 * carrying a link that undoes the change for seven days. Until then sign-in keeps using the
 * old address.
 */
export function createVerificationService(deps: ServiceDeps) {
  const { storage, clock, settings } = deps;

  /** Called by the profile write, in its transaction: replaces any earlier pending email. */
  async function requestEmailChange(tx: Repos, record: ProfileRecord, value: string, at: string): Promise<void> {
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expires = new Date(Date.parse(at) + settings.verificationCodeTtlSeconds * 1000).toISOString();
    await tx.upsertPendingChange({ id, account_id: record.account_id, profile_id: record.id, field: 'email', value, code_hash: codeHash(id, code), attempts: 0, created_at: at, expires_at: expires });
    await enqueueMail(tx, at, record.account_id, {
      to: value,
      kind: 'email.verify',
      subject: 'Confirm your new email address',
      text: `Your confirmation code is ${code}\n\nEnter it to make ${value} the email address of your account. It expires at ${expires}.\nIf you did not ask for this, ignore this mail: nothing changes.\n`,
    });
  }

  async function applyEmail(tx: Repos, record: ProfileRecord, actor: string | null, from: string | null, to: string | null, at: string, kind: string) {
    const version = record.version + 1;
    await tx.updateAccount(record.account_id, { email: to }, at);
    await tx.updateProfile(record.id, {}, version, at);
    await tx.insertEvent({ profile_id: record.id, version, kind, actor_id: actor, at, changes: [{ field: 'email', old: from, new: to }] });
    await enqueueWebhookEvent(tx, at, 'account.email_changed', { account_id: record.account_id, profile_id: record.id, version });
  }

  return {
    requestEmailChange,

    /** The active profile's changes waiting for a code. */
    async pending(principal: Principal) {
      const row = await storage.repos.findPendingChange(principal.profileId, 'email');
      return row && row.expires_at > clock.now().toISOString() ? [{ field: row.field, value: row.value, expires_at: row.expires_at }] : [];
    },

    /** Checks the code; the right one applies the change, a wrong one counts against the limit. */
    async verify(principal: Principal, field: string, code: unknown) {
      if (field !== 'email') throw new ProfiledError('verification.no_pending', { message: 'Only an email change waits for a code.' });
      const pending = await storage.repos.findPendingChange(principal.profileId, field);
      if (!pending || pending.account_id !== principal.accountId) throw new ProfiledError('verification.no_pending');
      const now = clock.now();
      const at = now.toISOString();
      if (pending.expires_at <= at) {
        await storage.repos.deletePendingChange(pending.id);
        throw new ProfiledError('verification.code_expired');
      }
      if (typeof code !== 'string' || codeHash(pending.id, code.trim()) !== pending.code_hash) {
        const attempts = await storage.repos.countPendingAttempt(pending.id);
        if (attempts >= settings.verificationMaxAttempts) {
          await storage.repos.deletePendingChange(pending.id);
          throw new ProfiledError('verification.too_many_attempts');
        }
        throw new ProfiledError('verification.code_invalid', { issues: [{ field: 'code', code: 'verification.code_invalid', message: `The code is not correct; ${settings.verificationMaxAttempts - attempts} attempts left.` }] });
      }
      if (await storage.repos.isTaken('email', pending.value, principal.accountId)) {
        await storage.repos.deletePendingChange(pending.id);
        throw new ProfiledError('account.email_taken');
      }
      const undo = newSecret();
      await storage.transaction(async (tx) => {
        // Single use: whoever deletes the row applies it.
        const still = await tx.findPendingChange(principal.profileId, field);
        if (!still || still.id !== pending.id) throw new ProfiledError('verification.no_pending');
        await tx.deletePendingChange(pending.id);
        const record = await tx.findProfile(principal.profileId, { lock: true });
        if (!record) throw new ProfiledError('profile.not_found');
        const old = (record.values['email'] as string | null) ?? null;
        await applyEmail(tx, record, principal.accountId, old, pending.value, at, 'account.email_changed');
        if (old) {
          await tx.insertChangeUndo({ token_hash: hashSecret(undo), account_id: record.account_id, profile_id: record.id, field: 'email', old_value: old, new_value: pending.value, expires_at: new Date(now.getTime() + UNDO_DAYS * 86_400_000).toISOString(), used_at: null });
          await enqueueMail(tx, at, record.account_id, {
            to: old,
            kind: 'email.changed_notice',
            subject: 'The email address of your account was changed',
            text: `The email address of your account was changed to ${pending.value}.\n\nIf this was not you, undo it within ${UNDO_DAYS} days (this also signs out every session):\n${settings.issuer}/v1/account/email-undo?token=${undo}\n`,
          });
        }
      });
      return { field, value: pending.value };
    },

    /** The link from the notice: puts the old address back and ends every session. */
    async undo(token: unknown) {
      if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw new ProfiledError('verification.undo_invalid');
      const at = clock.now().toISOString();
      return storage.transaction(async (tx) => {
        const row = await tx.consumeChangeUndo(hashSecret(token), at);
        if (!row || row.expires_at <= at) throw new ProfiledError('verification.undo_invalid');
        if (row.old_value && (await tx.isTaken('email', row.old_value, row.account_id))) throw new ProfiledError('account.email_taken');
        const record = await tx.findProfile(row.profile_id, { lock: true });
        if (!record) throw new ProfiledError('verification.undo_invalid');
        await applyEmail(tx, record, null, (record.values['email'] as string | null) ?? null, row.old_value, at, 'account.email_change_undone');
        await tx.deletePendingChange((await tx.findPendingChange(row.profile_id, 'email'))?.id ?? '');
        await tx.revokeSessionsOf(row.account_id, at);
        return { field: row.field, restored: row.old_value };
      });
    },
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
