import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { ProfiledError } from '@profiled/core';
import { hashSecret, newSecret } from '../auth/tokens.ts';
import type { OAuthClientRow } from '../storage/port.ts';
import type { createSessionService, TokenPair } from './sessions.ts';
import type { SignInOrigin } from './devices.ts';
import type { Principal, ServiceDeps } from './types.ts';

/** How long an authorization code lives (RFC 6749 §4.1.2 advises at most ten minutes; we use one). */
export const CODE_TTL_SECONDS = 60;

export interface CodeGrant {
  readonly clientId: string;
  readonly redirectUri: string;
  /** The PKCE S256 challenge: base64url(SHA-256(verifier)). */
  readonly codeChallenge: string;
  readonly scope: string;
  readonly nonce: string | null;
  readonly accountId: string;
  readonly profileId: string;
  /** How the person signed in (RFC 8176), for the session and its ID token's `amr`. */
  readonly amr: readonly string[];
  readonly origin: SignInOrigin;
}

export interface NewClient {
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  readonly public: boolean;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** An http(s) redirect URI without a fragment (RFC 6749 §3.1.2), or a private-use scheme for native apps (RFC 8252 §7.1). */
export function checkRedirectUri(uri: string): string | undefined {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI.`;
  }
  if (u.hash || uri.includes('#')) return `"${uri}" must not have a fragment.`;
  if (u.protocol === 'http:' && !['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname)) return `"${uri}" must use https (http only for a loopback address).`;
  if (['javascript:', 'data:', 'file:', 'vbscript:'].includes(u.protocol)) return `"${uri}" has a scheme that cannot be a redirect.`;
  return undefined;
}

/**
 * OpenID Connect for Profiled's own accounts: registered clients, single-use authorization
 * codes bound to a PKCE challenge, ID tokens and UserInfo claims from the profile. Sessions
 * and tokens are the password grant's own, so every dialect accepts them unchanged.
 */
export function createOidcService(deps: ServiceDeps, sessions: ReturnType<typeof createSessionService>) {
  const { storage, clock, tokens } = deps;
  const nowIso = () => clock.now().toISOString();

  return {
    async createClient(input: NewClient): Promise<{ client_id: string; client_secret?: string; client: OAuthClientRow }> {
      const problems = [...input.redirectUris, ...(input.postLogoutRedirectUris ?? [])].map(checkRedirectUri).filter((p): p is string => Boolean(p));
      if (input.redirectUris.length === 0) problems.push('At least one redirect URI is required.');
      if (problems.length) throw new ProfiledError('request.invalid_parameter', { message: problems.join(' ') });
      const secret = input.public ? undefined : newSecret();
      const client: OAuthClientRow = {
        id: randomUUID(),
        name: input.name,
        type: input.public ? 'public' : 'confidential',
        secret_hash: secret ? hashSecret(secret) : null,
        redirect_uris: [...new Set(input.redirectUris)],
        post_logout_redirect_uris: [...new Set(input.postLogoutRedirectUris ?? [])],
        created_at: nowIso(),
      };
      await storage.repos.insertOAuthClient(client);
      return { client_id: client.id, ...(secret ? { client_secret: secret } : {}), client };
    },

    findClient: (id: string) => storage.repos.findOAuthClient(id),
    listClients: () => storage.repos.listOAuthClients(),

    /** RFC 6749 §2.3: a confidential client proves itself with its secret; a public one must not claim one. */
    authenticateClient(client: OAuthClientRow | undefined, secret: string | undefined): OAuthClientRow {
      if (!client) throw new ProfiledError('auth.invalid_client', { message: 'Unknown client.' });
      if (client.type === 'public') {
        if (secret) throw new ProfiledError('auth.invalid_client', { message: 'A public client has no secret.' });
        return client;
      }
      const given = Buffer.from(secret ? hashSecret(secret) : '');
      const stored = Buffer.from(client.secret_hash ?? '');
      if (!secret || given.length !== stored.length || !timingSafeEqual(given, stored)) throw new ProfiledError('auth.invalid_client', { message: 'The client could not be authenticated.' });
      return client;
    },

    /** After a successful sign-in: a new session and a code that carries it, for one minute, once. */
    async issueCode(grant: CodeGrant): Promise<string> {
      const sessionId = await sessions.openSession(grant.accountId, grant.profileId, grant.scope, { ...grant.origin, clientId: grant.clientId }, grant.amr);
      const code = newSecret();
      const now = clock.now();
      await storage.repos.insertAuthCode({
        code_hash: hashSecret(code),
        client_id: grant.clientId,
        redirect_uri: grant.redirectUri,
        code_challenge: grant.codeChallenge,
        scope: grant.scope,
        nonce: grant.nonce,
        account_id: grant.accountId,
        session_id: sessionId,
        auth_time: Math.floor(now.getTime() / 1000),
        expires_at: new Date(now.getTime() + CODE_TTL_SECONDS * 1000).toISOString(),
      });
      return code;
    },

    /**
     * RFC 6749 §4.1.3 with RFC 7636 §4.6: the code must be live, unused, issued to this client
     * for this redirect URI, and the verifier must hash to its challenge. A second use ends the
     * session the first one opened (RFC 6749 §4.1.2: revoke what the code granted).
     */
    async redeemCode(input: { code: string; client: OAuthClientRow; redirectUri: string | undefined; verifier: string | undefined }): Promise<TokenPair & { id_token: string; scope: string }> {
      const invalid = (message: string) => new ProfiledError('auth.invalid_grant', { message });
      if (!input.verifier) throw new ProfiledError('auth.invalid_request', { message: 'code_verifier is required (PKCE).' });
      if (!VERIFIER.test(input.verifier)) throw new ProfiledError('auth.invalid_request', { message: 'code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.' });
      const outcome = await storage.repos.consumeAuthCode(hashSecret(input.code), nowIso());
      if (outcome.status === 'unknown') throw invalid('The authorization code is invalid.');
      const code = outcome.code;
      if (outcome.status === 'reused') {
        await sessions.revokeSession(code.session_id);
        throw invalid('The authorization code was already used; the session it opened has been ended.');
      }
      if (code.expires_at <= nowIso()) throw invalid('The authorization code has expired.');
      if (code.client_id !== input.client.id) throw invalid('The authorization code was issued to another client.');
      if (code.redirect_uri !== input.redirectUri) throw invalid('redirect_uri differs from the one in the authorization request.');
      if (s256(input.verifier) !== code.code_challenge) throw invalid('code_verifier does not match the code_challenge.');
      const pair = await sessions.tokensForSession(code.session_id);
      const amr = (await storage.repos.findSession(code.session_id))?.amr?.split(' ') ?? ['pwd'];
      const id_token = await tokens.signIdToken(
        { sub: code.account_id, auth_time: code.auth_time, amr, sid: code.session_id, azp: input.client.id, ...(code.nonce ? { nonce: code.nonce } : {}), at_hash: atHash(pair.access_token) },
        input.client.id,
      );
      return { ...pair, id_token, scope: code.scope };
    },

    /** OIDC Core §5.1 standard claims from the profile, as far as the session's scopes reach. */
    async userinfo(principal: Principal): Promise<Record<string, unknown>> {
      const [account, profile, session] = await Promise.all([
        storage.repos.findAccount(principal.accountId),
        storage.repos.findProfile(principal.profileId),
        principal.sessionId ? storage.repos.findSession(principal.sessionId) : undefined,
      ]);
      if (!account || !profile) throw new ProfiledError('auth.token_invalid');
      const scopes = new Set((session?.scope ?? 'openid profile email').split(' '));
      const v = profile.values;
      const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
      const claims: Record<string, unknown> = { sub: account.id };
      if (scopes.has('profile')) {
        Object.assign(claims, {
          name: str(v['display_name']),
          given_name: str(v['given_name']),
          family_name: str(v['family_name']),
          nickname: str(v['nickname']),
          preferred_username: account.username,
          gender: { female: 'female', male: 'male', diverse: 'diverse' }[String(v['gender'])],
          birthdate: str(v['date_of_birth']),
          locale: str(v['preferred_language']),
          picture: str(v['picture']),
          website: str(v['website']),
          updated_at: Math.floor(new Date(profile.updated_at).getTime() / 1000),
        });
      }
      if (scopes.has('email') && account.email) {
        // Profiled does not prove addresses yet, so it does not claim them proven.
        Object.assign(claims, { email: account.email, email_verified: false });
      }
      return Object.fromEntries(Object.entries(claims).filter(([, x]) => x !== undefined));
    },

    /** RP-initiated logout: the session named by an ID token we issued ends. Answers the token's client. */
    async endSession(idTokenHint: string | undefined): Promise<{ clientId: string | undefined }> {
      if (!idTokenHint) return { clientId: undefined };
      const claims = await tokens.readIdTokenHint(idTokenHint);
      if (!claims) throw new ProfiledError('auth.invalid_request', { message: 'id_token_hint is not an ID token issued here.' });
      if (typeof claims['sid'] === 'string') await sessions.revokeSession(claims['sid']);
      const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
      return { clientId: typeof aud === 'string' ? aud : undefined };
    },
  };
}

/** OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url. */
function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

export type OidcService = ReturnType<typeof createOidcService>;
