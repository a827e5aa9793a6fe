import { ProfiledError } from '@profiled/core';
import { hashPassword, resolvePolicy } from '../auth/passwords.ts';
import { hashSecret } from '../auth/tokens.ts';
import type { AccountRow, AccountTokenPurpose, AccountTokenRow } from '../storage/port.ts';
import { createAccountLinks, TOKEN_SHAPE } from './account-links.ts';
import { enqueueWebhookEvent } from './outbox.ts';
import { throttleGuardFor } from './throttle.ts';
import type { ServiceDeps } from './types.ts';

/** The one answer to a reset request, whether or not the account exists. */
export const RESET_REQUESTED = Object.freeze({
  message: 'If an account has that username or email address, a link to set a new password is on its way to its address.',
});

/** What the set-password page shows before the person types: whose password, and its rules. */
export interface LinkDescription {
  readonly purpose: AccountTokenPurpose;
  readonly username: string;
  readonly expires_at: string;
  readonly rules: readonly string[];
  readonly max_length: number;
}

const LOGIN_MAX = 320;

/**
 * Password recovery (issue 19). A request for a login answers the same, in about the same
 * time, whether or not it names an account (no account enumeration); for an active person
 * with an address it mails a single-use link. The link's page sets a new password under the
 * org's policy; that ends every session and refresh token, records
 * `account.password_changed` with its webhook, and mails a notice. A request alone changes
 * nothing, and recovery touches nothing but the password, the sessions and the links.
 */
export function createRecoveryService(deps: ServiceDeps) {
  const { storage, clock, settings } = deps;
  const links = createAccountLinks(deps);
  // Every request counts (not only failures): each one mails somebody.
  const requests = throttleGuardFor(deps, {
    limit: (key) => (key.startsWith('reset:ip:') ? settings.loginMaxFailuresPerIp : settings.loginMaxFailuresPerAccount),
    windowSeconds: settings.loginWindowSeconds,
  });
  const badTokens = throttleGuardFor(deps, { limit: settings.loginMaxFailuresPerIp, windowSeconds: settings.loginWindowSeconds });
  const invalid = () => new ProfiledError('recovery.invalid_token');

  /** The token's row if it still works; otherwise the error to answer with, counted against the client address. */
  async function usable(token: unknown, clientIp: string): Promise<{ row: AccountTokenRow; account: AccountRow }> {
    const key = [`reset-token:ip:${clientIp}`];
    await badTokens.check(key);
    try {
      return await lookUp(token);
    } catch (err) {
      await badTokens.fail(key);
      throw err;
    }
  }

  async function lookUp(token: unknown): Promise<{ row: AccountTokenRow; account: AccountRow }> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) throw invalid();
    const row = await storage.repos.findAccountToken(hashSecret(token));
    if (!row || row.used_at) throw invalid();
    if (row.expires_at <= clock.now().toISOString()) throw new ProfiledError('recovery.token_expired');
    const account = await storage.repos.findAccount(row.account_id);
    if (!account || account.status !== 'active' || account.kind === 'service') throw invalid();
    return { row, account };
  }

  async function policyOf(account: AccountRow) {
    return resolvePolicy((await storage.repos.findOrg({ id: account.default_org_id }))?.settings.password_policy);
  }

  return {
    /**
     * Asks for a reset link. Both paths do the same work — the throttle, the lookups, one
     * transaction — and answer {@link RESET_REQUESTED}.
     */
    async request(login: unknown, clientIp: string): Promise<typeof RESET_REQUESTED> {
      const name = typeof login === 'string' ? login.trim() : '';
      if (name === '' || name.length > LOGIN_MAX) {
        throw new ProfiledError('profile.validation_failed', { issues: [{ field: 'login', code: 'profile.field_required', message: `Enter your username or email address (at most ${LOGIN_MAX} characters).` }] });
      }
      // Keyed by what was typed, never by the account it names: a key per account would tell
      // an attacker that a username and an email belong together.
      const keys = [`reset:login:${name.toLowerCase().replaceAll('\u0000', '\\0')}`, `reset:ip:${clientIp}`];
      await requests.check(keys);
      // A NUL names no account (PostgreSQL's text cannot even hold one to look it up).
      const account = name.includes('\u0000') ? undefined : await storage.repos.findAccountByLogin(name);
      const to = account && account.status === 'active' && account.kind !== 'service' && account.email ? { ...account, email: account.email } : undefined;
      // The org is read on both paths (by an id that is no org's when nobody gets a mail).
      const orgName = (await storage.repos.findOrg({ id: to?.default_org_id ?? '' }))?.name ?? 'Profiled';
      const at = clock.now().toISOString();
      await storage.transaction(async (tx) => {
        // Counted in the transaction: both paths then write, and so pay for the same commit.
        await requests.fail(keys, tx);
        if (to) await links.issue(tx, to, 'password_reset', at, orgName);
        // The unknown login's stand-in for the voiding UPDATE the issue above begins with.
        else await tx.voidAccountTokens('', ['password_reset'], at);
      });
      return RESET_REQUESTED;
    },

    /** What the link's page shows, without using the link (mail scanners open every link). */
    async describe(token: unknown, clientIp: string): Promise<LinkDescription> {
      const { row, account } = await usable(token, clientIp);
      const policy = await policyOf(account);
      return { purpose: row.purpose, username: account.username, expires_at: row.expires_at, rules: deps.passwords.describe(policy), max_length: policy.max_length };
    },

    /**
     * Sets the password through a link: once, before its expiry, under the org's policy
     * (a refused password leaves the link working). Ends every session of the account.
     */
    async setPassword(token: unknown, password: unknown, clientIp: string): Promise<{ purpose: AccountTokenPurpose }> {
      const { row, account } = await usable(token, clientIp);
      if (typeof password !== 'string' || password === '') {
        throw new ProfiledError('password.required', { message: 'Enter a new password.', issues: [{ field: 'new_password', code: 'password.required', message: 'Enter a new password.' }] });
      }
      try {
        await deps.passwords.check(password, await policyOf(account), { username: account.username, email: account.email });
      } catch (err) {
        if (!(err instanceof ProfiledError)) throw err;
        throw new ProfiledError(err.code, { message: err.message, issues: [{ field: 'new_password', code: err.code, message: err.message }] });
      }
      // argon2 is slow by design: hashed before the transaction, never inside it.
      const hash = await hashPassword(password);
      const at = clock.now().toISOString();
      await storage.transaction(async (tx) => {
        if (!(await tx.consumeAccountToken(row.token_hash, at))) throw invalid();
        await tx.voidAccountTokens(account.id, ['password_reset', 'invitation'], at);
        await tx.setPasswordHash(account.id, hash, at);
        await tx.revokeSessionsOf(account.id, at);
        const profile = (await tx.findProfileOf(account.id, account.default_org_id)) ?? (await tx.listProfilesOf(account.id))[0];
        if (profile) {
          const locked = await tx.findProfile(profile.id, { lock: true });
          const version = (locked?.version ?? profile.version) + 1;
          await tx.updateProfile(profile.id, {}, version, at);
          await tx.insertEvent({ profile_id: profile.id, version, kind: 'account.password_changed', actor_id: account.id, at, changes: [{ field: 'password' }] });
          await enqueueWebhookEvent(tx, at, 'account.password_changed', { account_id: account.id, profile_id: profile.id, version, via: row.purpose });
        }
        await links.notifySet(tx, account, row.purpose, at);
      });
      // Failed sign-ins before the reset no longer hold the account back.
      await requests.clear([`login:${account.id}`]);
      return { purpose: row.purpose };
    },
  };
}

export type RecoveryService = ReturnType<typeof createRecoveryService>;
