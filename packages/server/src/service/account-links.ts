import { randomUUID } from 'node:crypto';
import { hashSecret, newSecret } from '../auth/tokens.ts';
import type { AccountRow, AccountTokenPurpose, Repos } from '../storage/port.ts';
import { enqueueMail } from './outbox.ts';
import type { ServiceDeps } from './types.ts';

/** The page every link opens: it sets the password, whatever the link is for. */
export const SET_PASSWORD_PATH = '/account/reset-password';
/** The page that asks for a reset link. */
export const FORGOT_PASSWORD_PATH = '/account/forgot-password';

/** A link's token: 32 random bytes, base64url (43 characters). Anything else names no link. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A link issued and queued: when it stops working. */
export interface IssuedLink {
  readonly expires_at: string;
}

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The single-use links of issue 19 (a password reset, an invitation): a random token mailed
 * to the account's address, stored only as its SHA-256, good once until its TTL. A new link
 * voids the older ones of its purpose, so only the latest mail works.
 */
export function createAccountLinks(deps: Pick<ServiceDeps, 'settings'>) {
  const { settings } = deps;
  const ttlOf = (purpose: AccountTokenPurpose) => (purpose === 'invitation' ? settings.invitationTtlSeconds : settings.passwordResetTtlSeconds);

  function mailFor(purpose: AccountTokenPurpose, account: AccountRow, token: string, expires: string, orgName: string) {
    const url = `${settings.issuer}${SET_PASSWORD_PATH}?token=${token}`;
    // The token spelled out too: for a mail client that breaks the link, and for scripts (…/confirm).
    const code = `If the link does not open, go to ${settings.issuer}${SET_PASSWORD_PATH} and enter this code:\n${token}\n`;
    if (purpose === 'invitation') {
      return {
        kind: 'account.invitation',
        subject: `You are invited to ${orgName}`,
        text: `An account was created for you in ${orgName}. Your username is ${account.username}.\n\nChoose your password here (the link works once, until ${utc(expires)}):\n${url}\n\n${code}`,
      };
    }
    return {
      kind: 'account.password_reset',
      subject: 'Set a new password',
      text: `Someone asked to set a new password for the account ${account.username}.\n\nSet it here (the link works once, until ${utc(expires)}):\n${url}\n\n${code}\nIf it was not you, ignore this mail: your password stays as it is.\n`,
    };
  }

  return {
    /**
     * Issues a link in the caller's transaction: voids the account's older ones of the same
     * purpose, stores the new token's hash and queues the mail (sent if the change commits).
     */
    async issue(tx: Repos, account: AccountRow & { email: string }, purpose: AccountTokenPurpose, at: string, orgName: string): Promise<IssuedLink> {
      const token = newSecret();
      const expires = new Date(Date.parse(at) + ttlOf(purpose) * 1000).toISOString();
      await tx.voidAccountTokens(account.id, [purpose], at);
      await tx.insertAccountToken({ id: randomUUID(), purpose, account_id: account.id, token_hash: hashSecret(token), expires_at: expires, used_at: null, created_at: at });
      await enqueueMail(tx, at, account.id, { to: account.email, ...mailFor(purpose, account, token, expires, orgName) });
      return { expires_at: expires };
    },

    /** The notice after a link set the password: to the account's address, with where to turn if it was not them. */
    async notifySet(tx: Repos, account: AccountRow, purpose: AccountTokenPurpose, at: string): Promise<void> {
      if (!account.email) return;
      const text =
        purpose === 'invitation'
          ? `You chose the password of your account ${account.username} at ${utc(at)}. Sign in at ${settings.issuer}/login.\n`
          : `The password of your account ${account.username} was changed at ${utc(at)} through a reset link, and every session was signed out.\n\nIf it was not you, ask for a new link at once at ${settings.issuer}${FORGOT_PASSWORD_PATH}, and tell your administrator.\n`;
      await enqueueMail(tx, at, account.id, { to: account.email, kind: 'account.password_changed', subject: purpose === 'invitation' ? 'Your account is ready' : 'Your password was changed', text });
    },
  };
}

export type AccountLinks = ReturnType<typeof createAccountLinks>;
