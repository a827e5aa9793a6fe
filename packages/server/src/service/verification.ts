import { randomInt, randomUUID } from 'node:crypto';
import { deriveChanges, ProfiledError, type FieldValue } from '@profiled/core';
import { hashSecret, newSecret } from '../auth/tokens.ts';
import type { FieldChange, ProfileRecord, Repos } from '../storage/port.ts';
import { enqueueMail, enqueueSms, enqueueWebhookEvent } from './outbox.ts';
import type { Principal, ServiceDeps } from './types.ts';

const UNDO_DAYS = 7;

/** The fields whose new value must be proven before it replaces the verified one. */
export const VERIFIED_FIELDS = ['email', 'mobile_phone'] as const;
export type VerifiedField = (typeof VERIFIED_FIELDS)[number];
export const isVerifiedField = (field: string): field is VerifiedField => (VERIFIED_FIELDS as readonly string[]).includes(field);

/** A value written but not applied yet: it waits for the code sent to it. */
export interface PendingValue {
  readonly field: VerifiedField;
  readonly value: string;
  readonly expires_at: string;
}

/** A code is hashed with the pending change's id, so equal codes of two changes differ at rest. */
const codeHash = (pendingId: string, code: string) => hashSecret(`${pendingId}:${code}`);

/** How each field names itself to a person, and the event its applied change records. */
const WORDING: Record<VerifiedField, { noun: string; appliedKind: string; undoneKind: string }> = {
  email: { noun: 'email address', appliedKind: 'account.email_changed', undoneKind: 'account.email_change_undone' },
  mobile_phone: { noun: 'mobile number', appliedKind: 'profile.mobile_phone_changed', undoneKind: 'profile.mobile_phone_change_undone' },
};

/** How a verified field is named to a person: "email address", "mobile number". */
export const nounOf = (field: VerifiedField): string => WORDING[field].noun;

/**
 * Verify before change (issue 10): a new login email or mobile number is not applied when it
 * is written but kept pending, and a six-digit code (short-lived, single use, attempts
 * limited, stored hashed) is sent to it — by mail or by text message. The right code applies
 * it, with a notice to the old address carrying a link that undoes the change for seven days.
 * Until then sign-in keeps using the old email, and every dialect shows the verified value.
 */
export function createVerificationService(deps: ServiceDeps) {
  const { storage, registry, clock, settings } = deps;

  /**
   * Called by the profile write, in its transaction: replaces any earlier pending value of
   * the field. `to` is where the code goes: the address itself, or the number in E.164.
   */
  async function requestChange(tx: Repos, record: ProfileRecord, field: VerifiedField, value: string, to: string, at: string): Promise<void> {
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expires = new Date(Date.parse(at) + settings.verificationCodeTtlSeconds * 1000).toISOString();
    await tx.upsertPendingChange({ id, account_id: record.account_id, profile_id: record.id, field, value, code_hash: codeHash(id, code), attempts: 0, created_at: at, expires_at: expires });
    if (field === 'email') {
      await enqueueMail(tx, at, record.account_id, {
        to,
        kind: 'email.verify',
        subject: 'Confirm your new email address',
        text: `Your confirmation code is ${code}\n\nEnter it to make ${value} the email address of your account. It expires at ${expires}.\nIf you did not ask for this, ignore this mail: nothing changes.\n`,
      });
    } else {
      await enqueueSms(tx, at, record.account_id, { to, kind: 'phone.verify', text: `Your Profiled code is ${code}. It confirms this number for your account and expires at ${expires.slice(11, 16)} UTC.` });
    }
  }

  /** Writes the field's new value (and what derives from it), its event and webhook; the next version. */
  async function apply(tx: Repos, record: ProfileRecord, field: VerifiedField, actor: string | null, to: string | null, at: string, kind: string): Promise<void> {
    const version = record.version + 1;
    const changes: FieldChange[] = [{ field, old: record.values[field] ?? null, new: to }];
    if (field === 'email') {
      await tx.updateAccount(record.account_id, { email: to }, at);
      await tx.updateProfile(record.id, {}, version, at);
    } else {
      const applied: Record<string, FieldValue> = { [field]: to, ...deriveChanges(registry, record.values, { [field]: to }) };
      for (const [name, value] of Object.entries(applied)) if (name !== field && value !== (record.values[name] ?? null)) changes.push({ field: name, old: record.values[name] ?? null, new: value });
      await tx.updateProfile(record.id, applied, version, at);
    }
    await tx.insertEvent({ profile_id: record.id, version, kind, actor_id: actor, at, changes });
    const subject = { account_id: record.account_id, profile_id: record.id, version };
    if (field === 'email') await enqueueWebhookEvent(tx, at, 'account.email_changed', subject);
    else await enqueueWebhookEvent(tx, at, 'profile.updated', { ...subject, changed_fields: changes.map((c) => c.field) });
  }

  /** The notice of an applied change, to where the old value reaches the person (and the login email). */
  async function notify(tx: Repos, record: ProfileRecord, field: VerifiedField, next: string, undoUrl: string, at: string): Promise<void> {
    const { noun } = WORDING[field];
    const text = `The ${noun} of your account was changed to ${next}.\n\nIf this was not you, undo it within ${UNDO_DAYS} days (this also signs out every session):\n${undoUrl}\n`;
    const email = (record.values['email'] as string | null) ?? null;
    if (email) await enqueueMail(tx, at, record.account_id, { to: email, kind: `${field === 'email' ? 'email' : 'phone'}.changed_notice`, subject: `The ${noun} of your account was changed`, text });
    const oldNumber = field === 'mobile_phone' ? ((record.values['mobile_phone_e164'] as string | null) ?? null) : null;
    if (oldNumber) await enqueueSms(tx, at, record.account_id, { to: oldNumber, kind: 'phone.changed_notice', text: `The mobile number of your Profiled account was changed. Not you? Undo it within ${UNDO_DAYS} days: ${undoUrl}` });
  }

  /** The profile's changes waiting for a code, unexpired. */
  async function pendingOf(repos: Repos, profileId: string): Promise<PendingValue[]> {
    const now = clock.now().toISOString();
    return (await repos.listPendingChangesOfProfile(profileId)).filter((r) => r.expires_at > now && isVerifiedField(r.field)).map((r) => ({ field: r.field as VerifiedField, value: r.value, expires_at: r.expires_at }));
  }

  return {
    requestChange,
    pendingOf,

    /** The active profile's changes waiting for a code. */
    pending: (principal: Principal): Promise<PendingValue[]> => pendingOf(storage.repos, principal.profileId),

    /** Checks the code; the right one applies the change, a wrong one counts against the limit. */
    async verify(principal: Principal, field: string, code: unknown) {
      if (!isVerifiedField(field)) throw new ProfiledError('verification.no_pending', { message: 'Only an email or a mobile number change waits for a code.' });
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
      if (field === 'email' && (await storage.repos.isTaken('email', pending.value, principal.accountId))) {
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
        const old = (record.values[field] as string | null) ?? null;
        await apply(tx, record, field, principal.accountId, pending.value, at, WORDING[field].appliedKind);
        if (old) {
          await tx.insertChangeUndo({ token_hash: hashSecret(undo), account_id: record.account_id, profile_id: record.id, field, old_value: old, new_value: pending.value, expires_at: new Date(now.getTime() + UNDO_DAYS * 86_400_000).toISOString(), used_at: null });
          await notify(tx, record, field, pending.value, `${settings.issuer}/v1/account/change-undo?token=${undo}`, at);
        }
      });
      return { field, value: pending.value };
    },

    /** What an undo link would put back, without using it: the confirmation page shows this. */
    async describeUndo(token: unknown): Promise<{ field: VerifiedField; restores: string | null; replaces: string | null; expires_at: string }> {
      if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw new ProfiledError('verification.undo_invalid');
      const row = await storage.repos.findChangeUndo(hashSecret(token));
      if (!row || row.expires_at <= clock.now().toISOString() || !isVerifiedField(row.field)) throw new ProfiledError('verification.undo_invalid');
      return { field: row.field, restores: row.old_value, replaces: row.new_value, expires_at: row.expires_at };
    },

    /** The link from the notice, confirmed: puts the old value back and ends every session. */
    async undo(token: unknown) {
      if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw new ProfiledError('verification.undo_invalid');
      const at = clock.now().toISOString();
      return storage.transaction(async (tx) => {
        const row = await tx.consumeChangeUndo(hashSecret(token), at);
        if (!row || row.expires_at <= at || !isVerifiedField(row.field)) throw new ProfiledError('verification.undo_invalid');
        const field = row.field;
        if (field === 'email' && row.old_value && (await tx.isTaken('email', row.old_value, row.account_id))) throw new ProfiledError('account.email_taken');
        const record = await tx.findProfile(row.profile_id, { lock: true });
        if (!record) throw new ProfiledError('verification.undo_invalid');
        await apply(tx, record, field, null, row.old_value, at, WORDING[field].undoneKind);
        const pending = await tx.findPendingChange(row.profile_id, field);
        if (pending) await tx.deletePendingChange(pending.id);
        await tx.revokeSessionsOf(row.account_id, at);
        return { field, restored: row.old_value };
      });
    },
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
