import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { backends } from '../support/backends.ts';
import { freePort, startServer, type TestServer, type TestUser } from '../support/server.ts';
import { openAuthorize, signInThrough } from './support.ts';

/**
 * The authorization-code flow with PKCE, driven by a real relying-party library (panva's
 * openid-client) against the running server: discovery, the sign-in form, the code
 * exchange, ID-token validation, userinfo, refresh and logout — and what must be refused.
 */
const RP = 'http://127.0.0.1:9/callback';
const RP_LOGOUT = 'http://127.0.0.1:9/signed-out';

for (const backend of backends) {
  describe(`OpenID Connect authorization code + PKCE, with openid-client (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    let confidential: oidc.Configuration;
    let publicClient: oidc.Configuration;
    let clientIds: { confidential: string; public: string };
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };

    async function authorizeUrl(config: oidc.Configuration, extra: Record<string, string> = {}) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: RP, scope: 'openid profile email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce, ...extra });
      return { url: url.toString(), verifier, state, nonce };
    }
    async function codeFor(config: oidc.Configuration, extra: Record<string, string> = {}) {
      const a = await authorizeUrl(config, extra);
      const res = await signInThrough(a.url, user.username, user.password);
      assert.equal(res.status, 303, res.html.slice(0, 300));
      return { ...a, callback: new URL(res.location!) };
    }
    const grant = (config: oidc.Configuration, a: { callback: URL; verifier: string; state: string; nonce: string }, verifier = a.verifier) =>
      oidc.authorizationCodeGrant(config, a.callback, { pkceCodeVerifier: verifier, expectedState: a.state, expectedNonce: a.nonce, idTokenExpected: true });
    const errorOf = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        return (err as { error?: string }).error ?? (err as Error).message;
      }
      return 'no error';
    };

    before(async () => {
      const port = await freePort();
      server = await startServer(backend, { port, clock, config: { issuer: `http://127.0.0.1:${port}` } });
      user = await server.createUser({ displayName: 'Ada Lovelace', email: `ada-${backend.name}@example.com` });
      await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { given_name: 'Ada', family_name: 'Lovelace', date_of_birth: '1815-12-10', website: 'https://example.com/ada', gender: 'female', preferred_language: 'en-GB' }, contentType: 'application/merge-patch+json' });
      const c1 = await server.app.services.oidc.createClient({ name: 'Analytical RP', redirectUris: [RP], postLogoutRedirectUris: [RP_LOGOUT], public: false });
      const c2 = await server.app.services.oidc.createClient({ name: 'Browser RP', redirectUris: [RP], public: true });
      clientIds = { confidential: c1.client_id, public: c2.client_id };
      const meta = { id_token_signed_response_alg: 'EdDSA' };
      const insecure = { execute: [oidc.allowInsecureRequests] };
      confidential = await oidc.discovery(new URL(server.url), c1.client_id, meta, oidc.ClientSecretBasic(c1.client_secret!), insecure);
      publicClient = await oidc.discovery(new URL(server.url), c2.client_id, meta, oidc.None(), insecure);
    });
    after(() => server.close());

    it('discovery tells the truth: code + S256 only, the v2 endpoints, EdDSA ID tokens', () => {
      const m = confidential.serverMetadata();
      assert.equal(m.issuer, server.url);
      assert.equal(m.authorization_endpoint, `${server.url}/oauth/v2/authorize`);
      assert.equal(m.token_endpoint, `${server.url}/oauth/v2/token`);
      assert.equal(m.userinfo_endpoint, `${server.url}/oauth/v2/userinfo`);
      assert.deepEqual(m.response_types_supported, ['code']);
      assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(m.id_token_signing_alg_values_supported, ['EdDSA']);
      assert.ok(m.grant_types_supported?.includes('authorization_code'));
    });

    it('the whole flow: sign-in form, code with state and iss, exchange, a valid ID token, userinfo, refresh', async () => {
      const a = await codeFor(confidential);
      assert.equal(a.callback.origin + a.callback.pathname, RP);
      assert.equal(a.callback.searchParams.get('state'), a.state);
      assert.equal(a.callback.searchParams.get('iss'), server.url);
      const tokens = await grant(confidential, a);
      const claims = tokens.claims()!;
      assert.equal(claims.sub, user.id);
      assert.equal(claims.aud, clientIds.confidential);
      assert.equal(claims.nonce, a.nonce);
      assert.equal(claims.iss, server.url);
      assert.ok(tokens.refresh_token);

      const info = await oidc.fetchUserInfo(confidential, tokens.access_token, user.id);
      assert.deepEqual(
        { ...info, updated_at: typeof info.updated_at },
        { sub: user.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: user.username, gender: 'female', birthdate: '1815-12-10', locale: 'en-GB', website: 'https://example.com/ada', email: user.email, email_verified: false, updated_at: 'number' },
      );
      // The access token is Profiled's own: every dialect takes it.
      assert.equal((await server.request('GET', '/v1/me/profile', { token: tokens.access_token })).status, 200);
      assert.equal((await server.request('GET', '/en/profile', { token: tokens.access_token })).status, 200);

      const refreshed = await oidc.refreshTokenGrant(confidential, tokens.refresh_token!);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
      assert.equal(await errorOf(oidc.refreshTokenGrant(confidential, tokens.refresh_token!)), 'invalid_grant', 'rotation: a spent refresh token is refused');
    });

    it('a public client signs in with PKCE alone; scopes limit what userinfo tells', async () => {
      const a = await codeFor(publicClient, { scope: 'openid' });
      const tokens = await grant(publicClient, a);
      assert.equal(tokens.claims()!.aud, clientIds.public);
      assert.deepEqual(await oidc.fetchUserInfo(publicClient, tokens.access_token, user.id), { sub: user.id });
    });

    it('refuses a wrong verifier, a reused code (and ends what it opened), an expired code, another redirect URI', async () => {
      const wrong = await codeFor(confidential);
      assert.equal(await errorOf(grant(confidential, wrong, oidc.randomPKCECodeVerifier())), 'invalid_grant');

      const once = await codeFor(confidential);
      const first = await grant(confidential, once);
      assert.equal(await errorOf(grant(confidential, once)), 'invalid_grant');
      assert.equal((await server.request('GET', '/v1/me/profile', { token: first.access_token })).status, 401, 'the session of a replayed code ends');

      const late = await codeFor(confidential);
      offset = 61_000;
      try {
        assert.equal(await errorOf(grant(confidential, late)), 'invalid_grant');
      } finally {
        offset = 0;
      }

      const moved = await codeFor(confidential);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code: moved.callback.searchParams.get('code')!, redirect_uri: 'http://127.0.0.1:9/elsewhere', code_verifier: moved.verifier, client_id: clientIds.public });
      const res = await server.request('POST', '/oauth/v2/token', { raw: body.toString(), contentType: 'application/x-www-form-urlencoded' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_grant');
    });

    it('the authorize endpoint refuses an unregistered redirect URI on its own page, never redirecting there', async () => {
      const a = await authorizeUrl(confidential, { redirect_uri: 'http://127.0.0.1:9/callback/../evil' });
      const res = await openAuthorize(a.url);
      assert.equal(res.status, 400);
      assert.equal(res.location, null);
      assert.match(res.html, /not registered/);
      const unknown = await openAuthorize(a.url.replace(/client_id=[^&]+/, 'client_id=nobody'));
      assert.equal(unknown.status, 400);
    });

    it('missing state, plain PKCE, no PKCE, no openid scope, another response type: sent back as errors, no code', async () => {
      for (const [change, error] of [
        [(u: URL) => u.searchParams.delete('state'), 'invalid_request'],
        [(u: URL) => u.searchParams.set('code_challenge_method', 'plain'), 'invalid_request'],
        [(u: URL) => { u.searchParams.delete('code_challenge'); u.searchParams.delete('code_challenge_method'); }, 'invalid_request'],
        [(u: URL) => u.searchParams.set('scope', 'profile'), 'invalid_scope'],
        [(u: URL) => u.searchParams.set('response_type', 'token'), 'unsupported_response_type'],
        [(u: URL) => u.searchParams.set('prompt', 'none'), 'login_required'],
      ] as const) {
        const u = new URL((await authorizeUrl(confidential)).url);
        change(u);
        const res = await openAuthorize(u.toString());
        assert.equal(res.status, 302, u.search);
        const back = new URL(res.location!);
        assert.equal(back.origin + back.pathname, RP);
        assert.equal(back.searchParams.get('error'), error, u.search);
        assert.equal(back.searchParams.get('code'), null);
      }
    });

    it('the sign-in form: works without JavaScript, refuses a post without its CSRF cookie, shows a wrong password, throttles', async () => {
      const a = await authorizeUrl(confidential);
      const form = await openAuthorize(a.url);
      assert.match(form.html, /<form method="post" action="\/oauth\/v2\/authorize"/);
      // The one script is the passkey button's (issue 22), from this origin: the form works without it.
      assert.doesNotMatch(form.html.replace('<script src="/oauth/v2/passkey.js" defer></script>', ''), /<script/);
      assert.match(form.html, /<label for="username">/);
      assert.match(form.cookie, /^profiled_csrf=/);

      const forged = await signInThrough(a.url, user.username, user.password, (f) => {
        f['csrf_token'] = 'A'.repeat(43);
      });
      assert.equal(forged.status, 403);

      const wrong = await signInThrough(a.url, user.username, 'not-the-password');
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /role="alert"[^>]*>The username or password is incorrect/);
      assert.equal(wrong.location, null);

      const victim = await server.createUser();
      let last = 0;
      for (let i = 0; i < 7; i++) last = (await signInThrough(a.url, victim.username, 'nope-nope-nope')).status;
      assert.equal(last, 429, 'throttled like the password grant');
    });

    it('RP-initiated logout ends the session and returns to a registered address with state', async () => {
      const tokens = await grant(confidential, await codeFor(confidential));
      const state = oidc.randomState();
      const url = oidc.buildEndSessionUrl(confidential, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP_LOGOUT, state });
      const res = await fetch(url, { redirect: 'manual' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `${RP_LOGOUT}?state=${state}`);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: tokens.access_token })).status, 401);
      assert.equal(await errorOf(oidc.refreshTokenGrant(confidential, tokens.refresh_token!)), 'invalid_grant');

      const other = await grant(confidential, await codeFor(confidential));
      const evil = await fetch(oidc.buildEndSessionUrl(confidential, { id_token_hint: other.id_token!, post_logout_redirect_uri: 'https://evil.example/' }), { redirect: 'manual' });
      assert.equal(evil.status, 400);
      assert.equal(evil.headers.get('location'), null);
    });

    it('a confidential client must prove itself; an ID token is not an access token', async () => {
      const a = await codeFor(confidential);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code: a.callback.searchParams.get('code')!, redirect_uri: RP, code_verifier: a.verifier, client_id: clientIds.confidential, client_secret: 'wrong' });
      const res = await server.request('POST', '/oauth/v2/token', { raw: body.toString(), contentType: 'application/x-www-form-urlencoded' });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'invalid_client');

      const tokens = await grant(confidential, await codeFor(confidential));
      assert.equal((await server.request('GET', '/v1/me/profile', { token: tokens.id_token! })).status, 401);
    });
  });

  describe(`the password grant can be switched off (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { config: { passwordGrant: false } });
    });
    after(() => server.close());

    it('answers unsupported_grant_type, and discovery no longer lists it', async () => {
      const account = await server.app.services.accounts.createAccount({ email: `off-${backend.name}@example.com`, password: 'Correct-Horse-Battery-9', username: `off-${backend.name}`, org: null, displayName: 'Off' });
      const res = await server.request('POST', '/oauth/token', { raw: new URLSearchParams({ grant_type: 'password', username: account.username, password: 'Correct-Horse-Battery-9' }).toString(), contentType: 'application/x-www-form-urlencoded' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'unsupported_grant_type');
      const meta = await server.request('GET', '/.well-known/openid-configuration');
      assert.ok(!meta.body.grant_types_supported.includes('password'));
    });
  });
}
