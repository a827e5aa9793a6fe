import formbody from '@fastify/formbody';
import { ProfiledError } from '@profiled/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Services } from '../service/index.ts';
import type { OAuthClientRow } from '../storage/port.ts';
import { challengeFor } from './bearer.ts';
import { createCsrf } from './csrf.ts';
import { toProfiledError } from './framework-errors.ts';
import { errorPage, LOGIN_CSS, LOGIN_CSS_PATH, loginPage, signedOutPage } from './login-page.ts';
import { findClient, refreshCookie } from './oauth-portal.ts';
import { SECOND_FACTOR_CSS } from './second-factor-pages.ts';
import { secondFactorRoutes, type CheckedRequest } from './second-factor-routes.ts';
import type { SignedIn } from '../service/mfa/sign-in.ts';

/** The authorization request parameters the login form carries through, in order. */
const CARRIED = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'] as const;
const KNOWN_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const CSRF_COOKIE = 'profiled_csrf';

type Params = Partial<Record<string, string>>;
type Checked =
  | { readonly ok: true; readonly client: OAuthClientRow; readonly redirectUri: string; readonly scope: string; readonly carried: Record<string, string> }
  /** Not safe to redirect (unknown client or redirect URI): shown on our page. */
  | { readonly ok: false; readonly page: string }
  /** Safe to send back to the client (RFC 6749 §4.1.2.1). */
  | { readonly ok: false; readonly redirect: string };

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * OpenID Connect for Profiled's accounts (authorization code + PKCE S256, OIDC Core §3.1):
 * `/oauth/v2/authorize` with its sign-in form, `/oauth/v2/userinfo` and RP-initiated logout
 * at `/oauth/v2/end_session`. The token endpoint is in oauth.ts.
 */
export async function oidcRoutes(app: FastifyInstance, opts: { services: Services; issuer: string; authenticate: (request: FastifyRequest) => Promise<void> }) {
  const { services, issuer } = opts;
  const secure = issuer.startsWith('https:');
  await app.register(formbody, { bodyLimit: 16_384 });

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache').type('text/html; charset=utf-8').send(body);
  app.setErrorHandler((err, request, reply) => {
    const e = toProfiledError(err);
    if (e.code === 'internal.error') request.log.error({ err }, 'authorization endpoint failed');
    return html(reply, e.status >= 500 ? 500 : e.status, errorPage('Sign-in cannot continue', e.message));
  });

  async function check(request: FastifyRequest, p: Params): Promise<Checked> {
    const client = await findClient(request, issuer, p['client_id'], services.oidc.findClient);
    if (!client) return { ok: false, page: p['client_id'] ? 'The application that sent you here is not registered.' : 'client_id is missing.' };
    const redirectUri = p['redirect_uri'];
    if (!redirectUri) return { ok: false, page: 'redirect_uri is missing.' };
    // RFC 6749 §3.1.2.3 and OIDC Core §3.1.2.1: compared exactly, as registered.
    if (!client.redirect_uris.includes(redirectUri)) return { ok: false, page: 'The redirect_uri is not registered for this application.' };
    const back = (error: string, description: string) => ({ ok: false as const, redirect: withParams(redirectUri, { error, error_description: description, state: p['state'], iss: issuer }) });
    if (p['response_type'] !== 'code') return back('unsupported_response_type', 'Only response_type=code is supported.');
    const scopes = (p['scope'] ?? '').split(' ').filter(Boolean);
    if (!scopes.includes('openid')) return back('invalid_scope', 'The scope must include openid.');
    if (!p['state']) return back('invalid_request', 'state is required.');
    if (!p['code_challenge']) return back('invalid_request', 'code_challenge is required (PKCE).');
    if (p['code_challenge_method'] !== 'S256') return back('invalid_request', 'code_challenge_method must be S256.');
    if (!CHALLENGE.test(p['code_challenge'])) return back('invalid_request', 'code_challenge must be the base64url SHA-256 of the verifier (43 characters).');
    if ((p['nonce']?.length ?? 0) > 512 || p['state'].length > 1024) return back('invalid_request', 'state or nonce is too long.');
    const scope = scopes.filter((s) => KNOWN_SCOPES.has(s)).join(' ');
    const carried: Record<string, string> = {};
    for (const k of CARRIED) if (p[k] !== undefined) carried[k] = k === 'scope' ? scope : p[k]!;
    return { ok: true, client, redirectUri, scope, carried };
  }

  const csrf = createCsrf({ cookie: CSRF_COOKIE, path: '/oauth/v2', issuer });
  const csrfFor = csrf.issue;

  const schema = (summary: string, description: string) => ({ schema: { tags: ['oauth'], summary, description } });

  app.get('/oauth/v2/authorize', schema('Authorize (sign in)', 'OIDC authorization endpoint: `response_type=code`, `client_id`, an exactly registered `redirect_uri`, `scope` with `openid`, `state`, PKCE `code_challenge` with `code_challenge_method=S256`, optional `nonce`, `login_hint` and `prompt` (`none` answers `login_required`). Shows the sign-in form; a problem with the client or redirect URI is shown here, any other is sent back to the client.'), async (request, reply) => {
    const p = request.query as Params;
    const checked = await check(request, p);
    if (!checked.ok) return 'page' in checked ? html(reply, 400, errorPage('Sign-in cannot start', checked.page)) : reply.redirect(checked.redirect, 302);
    if (p['prompt'] === 'none') return reply.redirect(withParams(checked.redirectUri, { error: 'login_required', state: p['state'], iss: issuer }), 302);
    return html(reply, 200, loginPage({ clientName: checked.client.name, params: checked.carried, csrf: csrfFor(request, reply), username: p['login_hint']?.slice(0, 254) }));
  });

  /** A posted step of the sign-in form: the authorization request checked again, and its CSRF token. */
  async function checkedPost(request: FastifyRequest, reply: FastifyReply, p: Params): Promise<CheckedRequest | FastifyReply> {
    const checked = await check(request, p);
    if (!checked.ok) return 'page' in checked ? html(reply, 400, errorPage('Sign-in cannot continue', checked.page)) : reply.redirect(checked.redirect, 303);
    if (!csrf.valid(request, p['csrf_token'])) {
      return html(reply, 403, errorPage('Sign-in cannot continue', 'The form expired or was not sent from this site. Go back to the application and start again.'));
    }
    return checked;
  }

  /** A completed sign-in: a code that carries its new session, and the browser sent back with it. */
  async function complete(request: FastifyRequest, reply: FastifyReply, p: Params, checked: CheckedRequest, signedIn: SignedIn) {
    const { redirectUri, scope } = checked;
    const code = await services.oidc.issueCode({
      clientId: checked.client.id,
      redirectUri,
      codeChallenge: p['code_challenge']!,
      scope,
      nonce: p['nonce'] ?? null,
      accountId: signedIn.accountId,
      profileId: signedIn.profileId,
      amr: signedIn.amr,
      origin: { ip: request.ip, userAgent: request.headers['user-agent'] },
    });
    return reply.redirect(withParams(redirectUri, { code, state: p['state'], iss: issuer }), 303);
  }

  const steps = secondFactorRoutes(app, { services, checked: checkedPost, csrfFor, html, complete });

  app.post('/oauth/v2/authorize', schema('Authorize: the sign-in form posted', 'The sign-in form of `GET /oauth/v2/authorize` (form-encoded, CSRF-protected, throttled like the password grant). On success, a redirect to the client with `code`, `state` and `iss`; for an account with a second factor (or an org that requires one), its step\'s page first.'), async (request, reply) => {
    const p = (request.body ?? {}) as Params;
    if (typeof p !== 'object') throw new ProfiledError('auth.invalid_request');
    const checked = await checkedPost(request, reply, p);
    if (!('client' in checked)) return checked;
    const again = (status: number, error: string) =>
      html(reply, status, loginPage({ clientName: checked.client.name, params: checked.carried, csrf: csrfFor(request, reply), username: p['username']?.slice(0, 254), error }));
    if (!p['username'] || !p['password']) return again(400, 'Enter your username or email and your password.');
    let signedIn;
    try {
      signedIn = await services.sessions.signIn(p['username'], p['password'], request.ip);
    } catch (err) {
      const e = toProfiledError(err);
      if (e.code === 'auth.rate_limited') {
        if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
        return again(429, 'Too many attempts. Wait a moment, then try again.');
      }
      if (e.code === 'auth.invalid_grant') return again(400, 'The username or password is incorrect.');
      throw err;
    }
    if (signedIn.second) return steps.begin(request, reply, checked, { accountId: signedIn.account.id, profileId: signedIn.profile.id, step: signedIn.second });
    return complete(request, reply, p, checked, { accountId: signedIn.account.id, profileId: signedIn.profile.id, amr: ['pwd'] });
  });

  app.get(LOGIN_CSS_PATH, { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(LOGIN_CSS + SECOND_FACTOR_CSS));

  const userinfoOpts = {
    ...schema('UserInfo', 'OIDC Core §5.3: the signed-in person\'s standard claims (name, given_name, family_name, nickname, preferred_username, email, email_verified, gender, birthdate, locale, picture, website, updated_at), as far as the scopes granted reach (a password-grant token sees all).'),
    preHandler: opts.authenticate,
    errorHandler: (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const e = toProfiledError(err);
      if (e.code === 'internal.error') request.log.error({ err }, 'userinfo failed');
      const challenge = challengeFor(e.code);
      if (challenge) reply.header('www-authenticate', challenge);
      const error = e.status === 401 ? 'invalid_token' : e.status === 403 ? 'insufficient_scope' : 'invalid_request';
      return reply.code(e.status >= 500 ? 500 : e.status).header('cache-control', 'no-store').type('application/json').send(JSON.stringify({ error, error_description: e.message }));
    },
  };
  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.principal as Principal;
    if (principal.via === 'api_key') throw new ProfiledError('auth.service_account_forbidden');
    reply.header('cache-control', 'no-store');
    return services.oidc.userinfo(principal);
  };
  app.get('/oauth/v2/userinfo', userinfoOpts, userinfo);
  app.post('/oauth/v2/userinfo', userinfoOpts, userinfo);

  const endSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = ((request.method === 'GET' ? request.query : request.body) ?? {}) as Params;
    const { clientId } = await services.oidc.endSession(p['id_token_hint']);
    const target = p['post_logout_redirect_uri'];
    // The portal's refresh cookie belongs to a session that may have just ended.
    reply.header('set-cookie', refreshCookie('', 0, secure));
    if (!target) return html(reply, 200, signedOutPage());
    const id = clientId ?? p['client_id'];
    if (clientId && p['client_id'] && p['client_id'] !== clientId) return html(reply, 400, errorPage('Sign-out', 'client_id does not match the id_token_hint.'));
    const client = await findClient(request, issuer, id, services.oidc.findClient);
    if (!client || !client.post_logout_redirect_uris.includes(target)) {
      return html(reply, 400, errorPage('Signed out', 'You are signed out, but the address to return to is not registered for this application.'));
    }
    return reply.redirect(withParams(target, { state: p['state'] }), 303);
  };
  const endOpts = schema('Sign out (RP-initiated logout)', 'OpenID Connect RP-Initiated Logout 1.0: `id_token_hint` names the session to end; `post_logout_redirect_uri` (registered for the client) and `state` send the person back.');
  app.get('/oauth/v2/end_session', endOpts, endSession);
  app.post('/oauth/v2/end_session', endOpts, endSession);
}

