import { ProfiledError } from '@profiled/core';
import { hashSecret, newSecret } from '../../auth/tokens.ts';
import type { AccountRow, SignInChallengeRow } from '../../storage/port.ts';
import { throttleGuardFor } from '../throttle.ts';
import type { ServiceDeps } from '../types.ts';
import type { MfaService, TotpEnrolment } from './factors.ts';
import type { PasskeyService } from './passkeys.ts';

/** How long the sign-in page waits for the second step after a right password. */
export const CHALLENGE_TTL_SECONDS = 600;

/** Who finished signing in, and how (RFC 8176 `amr` values). */
export interface SignedIn {
  readonly accountId: string;
  readonly profileId: string;
  readonly amr: readonly string[];
}

const MFA_AMR = ['pwd', 'otp', 'mfa'] as const;

/**
 * The sign-in page's steps after a right password (issue 22): a code (TOTP or recovery), or,
 * where the org requires a factor the account lacks, its enrolment there and then. Each step
 * is carried by a single-use challenge token (stored as a SHA-256) that the form posts back.
 */
export function createSignInSteps(deps: ServiceDeps, mfa: MfaService, passkeys: PasskeyService, finishSignIn: (account: AccountRow) => Promise<void>) {
  const { storage, clock } = deps;
  const nowIso = () => clock.now().toISOString();
  const optionRequests = throttleGuardFor(deps, { limit: 60, windowSeconds: 60 });
  const expired = () => new ProfiledError('auth.invalid_grant', { message: 'This sign-in has expired or was already completed; sign in again.' });

  async function open(token: unknown, step: SignInChallengeRow['step']): Promise<{ row: SignInChallengeRow; account: AccountRow }> {
    const row = typeof token === 'string' && token.length <= 64 ? await storage.repos.findSignInChallenge(hashSecret(token), nowIso()) : undefined;
    const account = row && row.step === step ? await storage.repos.findAccount(row.account_id) : undefined;
    if (!row || !account || (account.status !== 'active' && account.status !== 'deleting')) throw expired();
    return { row, account };
  }

  async function begin(accountId: string, profileId: string, step: SignInChallengeRow['step']): Promise<string> {
    const token = newSecret();
    const now = clock.now();
    await storage.repos.insertSignInChallenge({
      token_hash: hashSecret(token),
      account_id: accountId,
      profile_id: profileId,
      step,
      expires_at: new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    });
    return token;
  }

  async function consume(row: SignInChallengeRow): Promise<void> {
    if (!(await storage.repos.consumeSignInChallenge(row.token_hash, nowIso()))) throw expired();
  }

  return {
    begin,

    /** The enrolment a challenge of step `enrol` shows: the one waiting, or a new one. */
    async enrolment(token: string): Promise<TotpEnrolment> {
      const { account } = await open(token, 'enrol');
      return mfa.enrol(account, { reuse: true });
    },

    /** The code step: a right code finishes the sign-in; a wrong one counts against the sign-in throttle. */
    async withCode(token: unknown, code: unknown, clientIp: string): Promise<SignedIn> {
      const { row, account } = await open(token, 'code');
      await mfa.useCodeThrottled(account, code, [`ip:${clientIp}`]);
      await consume(row);
      await finishSignIn(account);
      return { accountId: row.account_id, profileId: row.profile_id, amr: MFA_AMR };
    },

    /** The enrolment's first code: answers the recovery codes and the token of the step that continues. */
    async confirmEnrolment(token: unknown, code: unknown, clientIp: string): Promise<{ recovery_codes: string[]; next: string }> {
      const { row, account } = await open(token, 'enrol');
      const { recovery_codes } = await mfa.confirm(account, code, [`ip:${clientIp}`]);
      await consume(row);
      return { recovery_codes, next: await begin(row.account_id, row.profile_id, 'done') };
    },

    /** Whether the code step of this challenge can offer the account's passkeys. */
    async offersPasskey(token: unknown): Promise<boolean> {
      const opened = await open(token, 'code').catch(() => undefined);
      return opened ? (await storage.repos.listPasskeysOf(opened.account.id)).length > 0 : false;
    },

    /** WebAuthn options for the code step's passkey (`token`), or for a sign-in with a passkey alone. */
    async passkeyOptions(token: unknown, clientIp: string) {
      // Anyone may ask (the page has not met the person yet), so each address asks a bounded number of times.
      const key = [`passkey-options:${clientIp}`];
      await optionRequests.check(key);
      await optionRequests.fail(key);
      if (token === undefined || token === '') return passkeys.authenticationOptions(null);
      const { account } = await open(token, 'code');
      return passkeys.authenticationOptions(account.id);
    },

    /**
     * A passkey's assertion: the second factor of the code step (`token`), or without one the
     * whole sign-in (a discoverable credential, user verification required).
     */
    async withPasskey(token: unknown, assertion: unknown, clientIp: string): Promise<SignedIn> {
      if (token !== undefined && token !== '') {
        const { row, account } = await open(token, 'code');
        const proof = await passkeys.authenticate(assertion, account.id, clientIp);
        await consume(row);
        await finishSignIn(account);
        return { accountId: row.account_id, profileId: row.profile_id, amr: ['pwd', proof.method, 'mfa'] };
      }
      const proof = await passkeys.authenticate(assertion, null, clientIp);
      const profile = (await storage.repos.findProfileOf(proof.account.id, proof.account.default_org_id)) ?? (await storage.repos.listProfilesOf(proof.account.id))[0];
      if (!profile) throw expired();
      await finishSignIn(proof.account);
      // The authenticator verified its user (PIN or biometrics) besides holding the key: two factors in one.
      return { accountId: proof.account.id, profileId: profile.id, amr: [proof.method, 'mfa'] };
    },

    /** After the recovery codes were shown: the sign-in is complete. */
    async continueEnrolled(token: unknown): Promise<SignedIn> {
      const { row, account } = await open(token, 'done');
      await consume(row);
      await finishSignIn(account);
      return { accountId: row.account_id, profileId: row.profile_id, amr: MFA_AMR };
    },
  };
}

export type SignInSteps = ReturnType<typeof createSignInSteps>;
