import { ProfiledError } from '@profiled/core';
import { hashSecret, newSecret } from '../../auth/tokens.ts';
import type { AccountRow, SignInChallengeRow } from '../../storage/port.ts';
import type { ServiceDeps } from '../types.ts';
import type { MfaService, TotpEnrolment } from './factors.ts';

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
export function createSignInSteps(deps: ServiceDeps, mfa: MfaService, finishSignIn: (account: AccountRow) => Promise<void>) {
  const { storage, clock } = deps;
  const nowIso = () => clock.now().toISOString();
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
