import { randomUUID } from 'node:crypto';
import { ProfiledError } from '@profiled/core';
import { hashPassword, needsRehash, verifyPassword } from '../auth/passwords.ts';
import { hashSecret, newSecret } from '../auth/tokens.ts';
import type { AccountRow, Repos } from '../storage/port.ts';
import { maskIp, summariseUserAgent, type SignInOrigin } from './devices.ts';
import { createExternalAccounts } from './external-accounts.ts';
import type { MfaService } from './mfa/factors.ts';
import { queueSecurityNotice } from './mfa/notices.ts';
import { throttleGuard } from './throttle.ts';
import type { Principal, ServiceDeps } from './types.ts';

export interface TokenPair {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
}

/** API keys carry this prefix so they are recognisable in a leak scan and cheap to route. */
export const API_KEY_PREFIX = 'pfd_';

/**
 * Sign-in and the bearer check: the password grant (throttled per account and per client
 * address), rotating refresh tokens with reuse detection, and turning a presented access
 * token or API key into a `Principal`.
 */
export function createSessionService(deps: ServiceDeps, mfa: MfaService) {
  const { storage, clock, tokens, settings } = deps;
  const throttle = throttleGuard(deps);
  const external = deps.external && { issuer: deps.external.issuer, accounts: createExternalAccounts(deps, deps.external.orgSlug) };
  const invalidGrant = () => new ProfiledError('auth.invalid_grant', { message: 'The username or password is incorrect.' });

  async function issue(repos: Repos, account: AccountRow, sessionId: string, profileId: string, orgId: string): Promise<TokenPair> {
    const refresh = newSecret();
    const now = clock.now();
    await repos.insertRefreshToken({
      hash: hashSecret(refresh),
      session_id: sessionId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + settings.refreshTokenTtlSeconds * 1000).toISOString(),
    });
    await repos.touchSession(sessionId, now.toISOString());
    const access = await tokens.sign({ sub: account.id, sid: sessionId, org: orgId, pid: profileId });
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, refresh_token: refresh };
  }

  /**
   * A new session with what the device list shows of it; a sign-in from a device the
   * account has not used before is mailed about, unless its org switched that off.
   */
  async function recordSession(repos: Repos, account: AccountRow, profile: { id: string; org_id: string }, origin: SignInOrigin, amr: readonly string[], scope: string | null): Promise<string> {
    const id = randomUUID();
    const at = clock.now().toISOString();
    const userAgent = summariseUserAgent(origin.userAgent);
    const ip = maskIp(origin.ip);
    const seen = await repos.deviceSeen(account.id, userAgent, ip);
    await repos.insertSession({ id, account_id: account.id, profile_id: profile.id, created_at: at, revoked_at: null, scope, client_id: origin.clientId && /^[\x21-\x7e]{1,256}$/.test(origin.clientId) ? origin.clientId : null, user_agent: userAgent, ip, amr: amr.join(' '), last_seen_at: null });
    if (seen === 'new' && (await repos.findOrg({ id: profile.org_id }))?.settings.new_device_notice !== false) {
      await queueSecurityNotice(repos, at, account, 'new_device', [userAgent, ip && `from ${ip}`].filter(Boolean).join(', '));
    }
    return id;
  }

  /** After the last step of a sign-in: the throttle forgets the account's failures, and a sign-in during the deletion grace period restores the account (issue 10). */
  async function finishSignIn(account: AccountRow): Promise<void> {
    await throttle.clear([`login:${account.id}`]);
    if (account.status === 'deleting') await storage.repos.setAccountStatus(account.id, 'active', null, clock.now().toISOString());
  }

  /**
   * Checks a sign-in (username or email, and password), throttled per account and per
   * client address; answers the account, the profile a new session starts on, and the
   * second step still to come: `code` for an account with a second factor, `enrol` for a
   * member of an org that requires one who has none yet. Only without one is it finished.
   */
  async function signIn(login: string, password: string, clientIp: string) {
    // A NUL names no account (and PostgreSQL's text cannot even hold one to look it up).
    const account = login.includes('\u0000') ? undefined : await storage.repos.findAccountByLogin(login);
    const keys = [`login:${account?.id ?? login.toLowerCase().replaceAll('\u0000', '\\0')}`, `ip:${clientIp}`];
    await throttle.check(keys);
    const ok = await verifyPassword(account?.password_hash ?? null, password);
    if (!account || !ok) {
      await throttle.fail(keys);
      throw invalidGrant();
    }
    if ((account.status !== 'active' && account.status !== 'deleting') || account.kind === 'service') {
      await throttle.fail(keys);
      throw invalidGrant();
    }
    // An imported hash (bcrypt, Django's PBKDF2, argon2 with other parameters) becomes ours now that the password is known.
    if (account.password_hash && needsRehash(account.password_hash)) {
      await storage.repos.upgradePasswordHash(account.id, account.password_hash, await hashPassword(password), clock.now().toISOString());
    }
    const profile = (await storage.repos.findProfileOf(account.id, account.default_org_id)) ?? (await firstProfile(storage.repos, account.id));
    const second = (await mfa.hasFactor(account.id)) ? 'code' : (await mfa.requiredIn(profile.org_id)) ? 'enrol' : undefined;
    if (!second) await finishSignIn(account);
    return { account, profile, second } as const;
  }

  return {
    signIn,
    finishSignIn,

    /**
     * The password grant. An account with a second factor must send its code (or a recovery
     * code) as `otp`, or gets `auth.mfa_required`; so does a member of an org that requires
     * a factor and has none yet (it is set up at the sign-in page). A wrong code counts
     * against the same throttle as a wrong password.
     */
    async passwordGrant(login: string, password: string, origin: SignInOrigin, otp?: string): Promise<TokenPair> {
      const { account, profile, second } = await signIn(login, password, origin.ip);
      const amr = ['pwd'];
      if (second === 'enrol') throw new ProfiledError('auth.mfa_required', { message: 'Your organization requires a second factor and this account has none yet: sign in once at the sign-in page (the member portal) to set one up.' });
      if (second === 'code') {
        if (!otp) throw new ProfiledError('auth.mfa_required');
        await mfa.useCodeThrottled(account, otp, [`ip:${origin.ip}`]);
        await finishSignIn(account);
        amr.push('otp', 'mfa');
      }
      return storage.transaction(async (tx) => {
        const sessionId = await recordSession(tx, account, profile, origin, amr, null);
        return issue(tx, account, sessionId, profile.id, profile.org_id);
      });
    },

    /**
     * Opens a session that has no tokens yet (an authorization code will carry it); `scope`
     * limits what userinfo tells, `amr` (RFC 8176) says how the person proved who they are.
     */
    async openSession(accountId: string, profileId: string, scope: string | null, origin: SignInOrigin, amr: readonly string[]): Promise<string> {
      return storage.transaction(async (tx) => {
        const account = await tx.findAccount(accountId);
        const profile = await tx.findProfile(profileId);
        if (!account || !profile) throw new ProfiledError('auth.invalid_grant');
        return recordSession(tx, account, profile, origin, amr, scope);
      });
    },

    /** The first tokens of a session opened by `openSession`. */
    async tokensForSession(sessionId: string): Promise<TokenPair> {
      return storage.transaction(async (tx) => {
        const session = await tx.findSession(sessionId);
        const account = session && (await tx.findAccount(session.account_id));
        const profile = session && (await tx.findProfile(session.profile_id));
        if (!session || session.revoked_at || !account || account.status !== 'active' || !profile) throw new ProfiledError('auth.invalid_grant', { message: 'The session behind this grant has ended.' });
        return issue(tx, account, session.id, profile.id, profile.org_id);
      });
    },

    /** Ends a session by id (RP-initiated logout, a reused authorization code). */
    async revokeSession(sessionId: string): Promise<void> {
      await storage.repos.revokeSession(sessionId, clock.now().toISOString());
    },

    /** Rotates a refresh token. Presenting a used one ends its whole session (family). */
    async refreshGrant(refreshToken: string): Promise<TokenPair> {
      const now = clock.now().toISOString();
      const outcome = await storage.transaction(async (tx) => {
        const result = await tx.consumeRefreshToken(hashSecret(refreshToken), now);
        if (result.status === 'reused') await tx.revokeSession(result.sessionId, now);
        if (result.status !== 'ok') return { error: result.status } as const;
        const session = await tx.findSession(result.sessionId);
        const account = session && (await tx.findAccount(session.account_id));
        const profile = session && (await tx.findProfile(session.profile_id));
        if (!session || session.revoked_at || !account || account.status !== 'active' || !profile) return { error: 'revoked' } as const;
        return { pair: await issue(tx, account, session.id, profile.id, profile.org_id) } as const;
      });
      if ('error' in outcome) {
        throw new ProfiledError('auth.invalid_grant', {
          message: outcome.error === 'reused' ? 'The refresh token was already used; the session has been ended.' : 'The refresh token is invalid, expired or revoked.',
        });
      }
      return outcome.pair;
    },

    /**
     * Makes another of the account's profiles the active one for this session and answers a
     * new access token for it; the session's refresh token follows the switch.
     */
    async switchProfile(principal: Principal, profileId: string): Promise<Omit<TokenPair, 'refresh_token'>> {
      const profile = await storage.repos.findProfile(profileId);
      if (!profile || profile.account_id !== principal.accountId) throw new ProfiledError('profile.not_found');
      if (principal.via === 'external') throw new ProfiledError('auth.forbidden', { message: 'Switching profiles needs a Profiled session; a token of the outside identity provider has none. Sign in to Profiled to switch.' });
      if (!principal.sessionId) throw new ProfiledError('auth.service_account_forbidden');
      await storage.repos.setSessionProfile(principal.sessionId, profile.id);
      const access = await tokens.sign({ sub: principal.accountId, sid: principal.sessionId, org: profile.org_id, pid: profile.id });
      return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn };
    },

    /**
     * RFC 7009 revocation of a refresh token: its whole session ends. An unknown or spent
     * token is not an error (the caller's goal, a dead token, holds either way).
     */
    async revokeRefreshToken(refreshToken: string): Promise<void> {
      const now = clock.now().toISOString();
      await storage.transaction(async (tx) => {
        const result = await tx.consumeRefreshToken(hashSecret(refreshToken), now);
        if (result.status !== 'unknown') await tx.revokeSession(result.sessionId, now);
      });
    },

    /** The public signing keys (JWK Set). */
    jwks: () => tokens.jwks(),

    /** Ends the caller's session: its refresh tokens stop working, and so do its access tokens. */
    async logout(principal: Principal): Promise<void> {
      if (principal.sessionId) await storage.repos.revokeSession(principal.sessionId, clock.now().toISOString());
    },

    /** Turns a bearer credential into a principal, or throws a 401-class error. Fails closed. */
    async authenticate(credential: string): Promise<Principal> {
      if (credential.startsWith(API_KEY_PREFIX)) return authenticateApiKey(credential);
      // Only a token that names the trusted outside issuer (read unverified) goes there.
      if (external?.issuer.claims(credential)) return external.accounts.principalFor(await external.issuer.verify(credential));
      const claims = await tokens.verify(credential);
      const session = await storage.repos.findSessionWithAccount(claims.sid);
      if (!session || session.revoked_at || session.account_id !== claims.sub) throw new ProfiledError('auth.session_revoked');
      if (session.status !== 'active') throw new ProfiledError('auth.token_invalid');
      return { accountId: session.account_id, kind: session.kind, profileId: claims.pid, orgId: claims.org, sessionId: claims.sid, via: 'token' };
    },
  };

  async function authenticateApiKey(key: string): Promise<Principal> {
    const row = await storage.repos.findApiKeyByHash(hashSecret(key));
    if (!row || row.revoked_at) throw new ProfiledError('auth.token_invalid');
    const account = await storage.repos.findAccount(row.account_id);
    if (!account || account.status !== 'active') throw new ProfiledError('auth.token_invalid');
    const profile = (await storage.repos.findProfileOf(account.id, account.default_org_id)) ?? (await firstProfile(storage.repos, account.id));
    await storage.repos.touchApiKey(row.id, clock.now().toISOString());
    return { accountId: account.id, kind: account.kind, profileId: profile.id, orgId: profile.org_id, sessionId: null, via: 'api_key' };
  }
}

async function firstProfile(repos: Repos, accountId: string) {
  const [first] = await repos.listProfilesOf(accountId);
  if (!first) throw new ProfiledError('profile.not_found');
  return { id: first.id, org_id: first.org_id };
}

export type SessionService = ReturnType<typeof createSessionService>;
