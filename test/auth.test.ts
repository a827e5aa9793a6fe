import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../packages/server/src/service/index.ts';
import { backends } from './support/backends.ts';
import { PASSWORD, startServer, type Response, type TestServer, type TestUser } from './support/server.ts';

const FORM = 'application/x-www-form-urlencoded';
/** A password every rule of the default policy accepts. */
const STRONG = 'Tr0ub4dor&3-Zebra-Quill';

/** POST /oauth/token, form-encoded (the OAuth default) or as JSON. */
function token(server: TestServer, params: Record<string, string>, as: 'form' | 'json' = 'form'): Promise<Response> {
  return as === 'form'
    ? server.request('POST', '/oauth/token', { raw: new URLSearchParams(params).toString(), contentType: FORM })
    : server.request('POST', '/oauth/token', { body: params });
}

const passwordGrant = (server: TestServer, username: string, password: string, as: 'form' | 'json' = 'form') => token(server, { grant_type: 'password', username, password }, as);
const refreshGrant = (server: TestServer, refreshToken: string) => token(server, { grant_type: 'refresh_token', refresh_token: refreshToken });
const me = (server: TestServer, bearer: string) => server.request('GET', '/v1/me/profile', { token: bearer });

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const partsOf = (jwt: string) => {
  const [header, payload, signature] = jwt.split('.');
  assert.ok(header && payload && signature !== undefined, 'a compact JWS has three parts');
  return { header, payload, signature };
};
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Asserts the RFC 6750 §3 answer to a bad access token. */
function assertInvalidToken(res: Response, code = 'auth.token_invalid') {
  assert.equal(res.status, 401);
  const challenge = res.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer /);
  assert.match(challenge, /error="invalid_token"/);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(res.body.code, code);
}

/** Pino writes the "request completed" line after the response is sent; wait for it. */
async function logsSettled(server: TestServer, res: Response) {
  const id = res.headers.get('x-request-id');
  assert.ok(id, 'every response carries its request id');
  for (let i = 0; i < 200; i++) {
    if (server.logs.some((l) => l.includes(id) && l.includes('request completed'))) return server.logs.filter((l) => l.includes(id));
    await sleep(10);
  }
  assert.fail(`no "request completed" log line for request ${id}`);
}

/** Every 12-character window of a secret: a log line holding any of them leaks part of it. */
function fragmentsOf(secret: string, size = 12): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= secret.length; i++) out.push(secret.slice(i, i + size));
  return out;
}

function assertNotLogged(server: TestServer, secret: string, what: string) {
  const leaks = fragmentsOf(secret);
  for (const line of server.logs) {
    assert.ok(!line.includes(secret), `${what} appears in a log line`);
    for (const f of leaks) assert.ok(!line.includes(f), `part of ${what} ("${f}") appears in a log line`);
  }
}

/** The token whole, or any part of its signature (header and claims are shared with other tokens). */
function assertTokenNotLogged(server: TestServer, jwt: string) {
  for (const line of server.logs) assert.ok(!line.includes(jwt), 'the access token appears in a log line');
  assertNotLogged(server, partsOf(jwt).signature, 'the token signature');
}

for (const backend of backends) {
  describe(`auth (${backend.name})`, () => {
    let server: TestServer;
    /** Shifted forward to let access tokens expire; always put back. */
    let offsetMs = 0;
    const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
    const others: TestServer[] = [];
    before(async () => {
      server = await startServer(backend, { clock });
    });
    after(async () => {
      for (const s of others) await s.close();
      await server.close();
    });

    describe('POST /oauth/token', () => {
      let ada: TestUser;
      before(async () => {
        ada = await server.createUser();
      });

      for (const as of ['form', 'json'] as const) {
        it(`password grant (${as === 'form' ? 'form-encoded' : 'JSON'}) → 200 Bearer token pair, expires_in 900, Cache-Control no-store`, async () => {
          const res = await passwordGrant(server, ada.username, ada.password, as);
          assert.equal(res.status, 200);
          assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type']);
          assert.equal(res.body.token_type, 'Bearer');
          assert.equal(res.body.expires_in, 900);
          assert.match(res.body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
          assert.match(res.body.refresh_token, /^[\w-]{43}$/);
          assert.equal(res.headers.get('cache-control'), 'no-store');
          assert.equal((await me(server, res.body.access_token)).status, 200);
        });
      }

      it('wrong password → 400 invalid_grant', async () => {
        const res = await passwordGrant(server, ada.username, `${ada.password}x`);
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_grant');
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.ok(!('access_token' in res.body));
      });

      it('unknown user → 400 invalid_grant, the same answer as a wrong password', async () => {
        const res = await passwordGrant(server, 'nobody-by-this-name', PASSWORD);
        const wrong = await passwordGrant(server, ada.username, 'Not-The-Password-1');
        assert.equal(res.status, 400);
        assert.deepEqual(res.body, wrong.body);
        assert.equal(res.body.error, 'invalid_grant');
      });

      it('unsupported grant_type → 400 unsupported_grant_type', async () => {
        for (const grant of ['client_credentials', 'implicit', '']) {
          const res = await token(server, { grant_type: grant, username: ada.username, password: ada.password });
          assert.equal(res.status, 400, `grant_type "${grant}"`);
          assert.equal(res.body.error, 'unsupported_grant_type', `grant_type "${grant}"`);
          assert.equal(res.headers.get('cache-control'), 'no-store');
        }
      });

      it('missing grant_type → 400 invalid_request (RFC 6749 §5.2: a missing parameter), no tokens', async () => {
        for (const as of ['form', 'json'] as const) {
          const res = await token(server, { username: ada.username, password: ada.password }, as);
          assert.equal(res.status, 400);
          assert.equal(res.body.error, 'invalid_request');
          assert.ok(!('access_token' in res.body));
        }
      });

      it('signs in by username or by email, either case-insensitively', async () => {
        for (const login of [ada.username, ada.username.toUpperCase(), ada.email, ada.email.toUpperCase()]) {
          const res = await passwordGrant(server, login, ada.password);
          assert.equal(res.status, 200, `login as ${login}`);
          assert.equal((await me(server, res.body.access_token)).body.id, ada.profileId);
        }
      });
    });

    describe('refresh tokens', () => {
      it('refresh_token grant rotates: the new pair works, the spent token does not', async () => {
        const ada = await server.createUser();
        const res = await refreshGrant(server, ada.refreshToken);
        assert.equal(res.status, 200);
        assert.equal(res.body.token_type, 'Bearer');
        assert.equal(res.body.expires_in, 900);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.notEqual(res.body.refresh_token, ada.refreshToken);
        assert.notEqual(res.body.access_token, ada.token);
        const profile = await me(server, res.body.access_token);
        assert.equal(profile.status, 200);
        assert.equal(profile.body.id, ada.profileId);
        const next = await refreshGrant(server, res.body.refresh_token);
        assert.equal(next.status, 200, 'the rotated refresh token is good for one use');
      });

      it('reusing a spent refresh token → 400 invalid_grant and revokes the whole family and its access tokens', async () => {
        const ada = await server.createUser();
        const rotated = await refreshGrant(server, ada.refreshToken);
        assert.equal(rotated.status, 200);
        assert.equal((await me(server, rotated.body.access_token)).status, 200);

        const reuse = await refreshGrant(server, ada.refreshToken);
        assert.equal(reuse.status, 400);
        assert.equal(reuse.body.error, 'invalid_grant');

        const newer = await refreshGrant(server, rotated.body.refresh_token);
        assert.equal(newer.status, 400, 'the newer refresh token of the same family is refused too');
        assert.equal(newer.body.error, 'invalid_grant');
        assertInvalidToken(await me(server, rotated.body.access_token), 'auth.session_revoked');
        assertInvalidToken(await me(server, ada.token), 'auth.session_revoked');
      });

      it('an unknown refresh token → 400 invalid_grant', async () => {
        const res = await refreshGrant(server, 'A'.repeat(43));
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_grant');
      });
    });

    describe('access token checks on GET /v1/me/profile', () => {
      let ada: TestUser;
      let bob: TestUser;
      before(async () => {
        ada = await server.createUser();
        bob = await server.createUser();
      });

      it('the untouched token → 200 (the control for the forgeries below)', async () => {
        const res = await me(server, ada.token);
        assert.equal(res.status, 200);
        assert.equal(res.body.id, ada.profileId);
      });

      it('payload changed (sub, pid, sid of another user), signature kept → 401 invalid_token', async () => {
        const { header, payload, signature } = partsOf(ada.token);
        const claims = decode(payload);
        const bobClaims = decode(partsOf(bob.token).payload);
        const forged = b64url({ ...claims, sub: bobClaims['sub'], pid: bobClaims['pid'], sid: bobClaims['sid'] });
        assertInvalidToken(await me(server, `${header}.${forged}.${signature}`));
        const longer = b64url({ ...claims, exp: (claims['exp'] as number) + 86_400 });
        assertInvalidToken(await me(server, `${header}.${longer}.${signature}`));
      });

      it('signature changed → 401 invalid_token', async () => {
        const { header, payload, signature } = partsOf(ada.token);
        // A character in the middle: the last one of an Ed25519 signature also carries padding bits.
        const i = 20;
        const flipped = signature.slice(0, i) + (signature[i] === 'A' ? 'B' : 'A') + signature.slice(i + 1);
        assertInvalidToken(await me(server, `${header}.${payload}.${flipped}`));
        const other = partsOf(bob.token).signature;
        assertInvalidToken(await me(server, `${header}.${payload}.${other}`));
      });

      it('alg "none" (unsigned) → 401 invalid_token', async () => {
        const { header, payload } = partsOf(ada.token);
        const none = b64url({ ...decode(header), alg: 'none' });
        assertInvalidToken(await me(server, `${none}.${payload}.`));
        assertInvalidToken(await me(server, `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`));
      });

      it('HS256 signed with the public JWK x as the HMAC secret (algorithm confusion) → 401 invalid_token', async () => {
        const jwks = await server.request('GET', '/.well-known/jwks.json');
        const jwk = jwks.body.keys[0] as { kid: string; x: string };
        const { header, payload } = partsOf(ada.token);
        const hs = b64url({ ...decode(header), alg: 'HS256', kid: jwk.kid });
        for (const secret of [Buffer.from(jwk.x), Buffer.from(jwk.x, 'base64url'), Buffer.from(JSON.stringify(jwk))]) {
          const mac = createHmac('sha256', secret).update(`${hs}.${payload}`).digest('base64url');
          assertInvalidToken(await me(server, `${hs}.${payload}.${mac}`));
        }
      });

      it('expired (the clock moved past expires_in = 900 s) → 401 invalid_token, auth.token_expired', async () => {
        const fresh = await server.createUser();
        try {
          offsetMs = 899_000;
          assert.equal((await me(server, fresh.token)).status, 200, 'still good just before expiry');
          offsetMs = 901_000;
          const res = await me(server, fresh.token);
          assertInvalidToken(res, 'auth.token_expired');
          assert.match(res.headers.get('www-authenticate')!, /error_description="The access token expired"/);
        } finally {
          offsetMs = 0;
        }
      });

      it('wrong issuer: a server sharing the database (and keys) but with another issuer → 401 invalid_token', async () => {
        const other = await startServer(backend, { databaseUrl: server.databaseUrl, config: { issuer: 'https://other.example' } });
        others.push(other);
        assertInvalidToken(await me(other, ada.token));
        // The keys are shared: the same server accepts a token it issued itself, and the first refuses it.
        const own = await other.login(ada.username, ada.password);
        assert.equal((await me(other, own.access_token)).status, 200);
        assertInvalidToken(await me(server, own.access_token));
      });

      it('wrong audience: a server sharing the database (and keys) but with another audience → 401 invalid_token', async () => {
        const other = await startServer(backend, { databaseUrl: server.databaseUrl, config: { audience: 'other' } });
        others.push(other);
        assertInvalidToken(await me(other, ada.token));
        const own = await other.login(ada.username, ada.password);
        assert.equal((await me(other, own.access_token)).status, 200);
        assertInvalidToken(await me(server, own.access_token));
      });

      it('no credentials → 401, WWW-Authenticate: Bearer realm="profiled", problem+json auth.unauthenticated', async () => {
        const res = await server.request('GET', '/v1/me/profile');
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="profiled"');
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.body.code, 'auth.unauthenticated');
        assert.equal(res.body.status, 401);
      });

      it('Authorization: Basic abc → 400 auth.malformed_header', async () => {
        const res = await server.request('GET', '/v1/me/profile', { headers: { authorization: 'Basic abc' } });
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.body.code, 'auth.malformed_header');
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="profiled", error="invalid_request"');
      });

      it('garbage that is not a JWT → 401 invalid_token', async () => {
        assertInvalidToken(await me(server, 'not-a-token'));
      });
    });

    describe('credentials in logs', () => {
      it('?access_token= works on GET /v1/me/profile, and no log line holds the token or any part of its signature', async () => {
        const ada = await server.createUser();
        const res = await server.request('GET', `/v1/me/profile?access_token=${encodeURIComponent(ada.token)}`);
        assert.equal(res.status, 200);
        assert.equal(res.body.id, ada.profileId);
        const lines = await logsSettled(server, res);
        assert.ok(lines.some((l) => l.includes('access_token=[redacted]')), 'the request line is logged with the token redacted');
        assertTokenNotLogged(server, ada.token);
      });

      it('the Authorization header value never reaches the logs', async () => {
        const ada = await server.createUser();
        const res = await me(server, ada.token);
        assert.equal(res.status, 200);
        const lines = await logsSettled(server, res);
        assert.ok(lines.length > 0);
        assertTokenNotLogged(server, ada.token);
        assertNotLogged(server, ada.refreshToken, 'the refresh token');
      });
    });

    describe('POST /v1/me/password', () => {
      let ada: TestUser;
      before(async () => {
        const n = Math.random().toString(36).slice(2, 8);
        // Username and email differ, so each rule can be hit on its own.
        ada = await server.createUser({ username: `zed${n}`, email: `mailbox${n}@example.com` });
      });

      async function change(newPassword: string, current = ada.password, user = ada) {
        return server.request('POST', '/v1/me/password', { token: user.token, body: { current_password: current, new_password: newPassword } });
      }

      async function assertRule(newPassword: string, code: string, pointer = '/new_password') {
        const res = await change(newPassword);
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.body.code, 'profile.validation_failed');
        assert.equal(res.body.errors.length, 1, JSON.stringify(res.body.errors));
        assert.equal(res.body.errors[0].code, code);
        assert.equal(res.body.errors[0].pointer, pointer);
        assert.ok(!res.text.includes(newPassword), 'the rejected password is not echoed');
      }

      it('shorter than 8 characters → 400 password.too_short', () => assertRule('Ab1!', 'password.too_short'));
      it('longer than 128 characters → 400 password.too_long; 128 pass the length rule', async () => {
        const long = `${STRONG}-`.repeat(6);
        await assertRule(long.slice(0, 129), 'password.too_long');
        // With a wrong current password, the only issue left is that one: 128 characters are within the policy.
        const res = await change(long.slice(0, 128), 'Not-My-Password-7');
        assert.deepEqual(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]), [['/current_password', 'password.incorrect']]);
      });
      it('containing the username → 400 password.contains_username', () => assertRule(`Qx7!${ada.username.toUpperCase()}-vane`, 'password.contains_username'));
      it('containing the email address → 400 password.contains_email', () => assertRule(`Qx7!${ada.email.split('@')[0]}-vane`, 'password.contains_email'));
      it('a common password → 400 password.common', () => assertRule('password123', 'password.common'));
      it('long enough but easy to guess → 400 password.too_weak', () => assertRule('aaaaaaaaaaaa', 'password.too_weak'));
      it('wrong current password → 400 password.incorrect at /current_password', async () => {
        const res = await change(STRONG, 'Not-My-Password-7');
        assert.equal(res.status, 400);
        assert.deepEqual(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]), [['/current_password', 'password.incorrect']]);
        assert.equal((await passwordGrant(server, ada.username, ada.password)).status, 200, 'the password is unchanged');
      });

      it('success → 204; the old password is refused, the new one works; this session lives on, every other one ends', async () => {
        const user = await server.createUser();
        const other = await server.login(user.username, user.password);
        const res = await change(STRONG, user.password, user);
        assert.equal(res.status, 204);
        assert.equal(res.text, '');

        const old = await passwordGrant(server, user.username, user.password);
        assert.equal(old.status, 400);
        assert.equal(old.body.error, 'invalid_grant');
        assert.equal((await passwordGrant(server, user.username, STRONG)).status, 200);

        const mine = await me(server, user.token);
        assert.equal(mine.status, 200, 'the session that changed the password keeps working');
        assert.equal(mine.body.id, user.profileId);
        assert.equal((await refreshGrant(server, user.refreshToken)).status, 200);

        const theirs = await refreshGrant(server, other.refresh_token);
        assert.equal(theirs.status, 400);
        assert.equal(theirs.body.error, 'invalid_grant');
        assertInvalidToken(await me(server, other.access_token), 'auth.session_revoked');
      });

      it('the history records account.password_changed without old/new values; the new password is in no log line or history', async () => {
        const user = await server.createUser();
        const secret = `Pl4id-Wombat-${Math.random().toString(36).slice(2, 10)}`;
        const res = await change(secret, user.password, user);
        assert.equal(res.status, 204);
        const history = await server.request('GET', '/v1/me/history', { token: user.token });
        assert.equal(history.status, 200);
        const event = history.body.events.find((e: { kind: string }) => e.kind === 'account.password_changed');
        assert.ok(event, 'a password_changed event');
        assert.equal(history.body.events[0], event, 'it is the newest event');
        assert.equal(event.actor_id, user.id);
        assert.deepEqual(event.changes, [{ field: 'password' }]);
        for (const c of event.changes) {
          assert.ok(!('old' in c) && !('new' in c), 'no old/new values for a secret');
        }
        assert.ok(!history.text.includes(secret));
        assert.ok(!history.text.includes(user.password));
        await logsSettled(server, history);
        assertNotLogged(server, secret, 'the new password');
        assertNotLogged(server, user.password, 'the old password');
      });
    });

    describe('API keys', () => {
      let svc: { id: string; username: string };
      before(async () => {
        svc = await server.app.services.accounts.createAccount({ username: `svc-${Math.random().toString(36).slice(2, 8)}`, kind: 'service', email: null, password: null });
      });

      it('a service account\'s key (pfd_…) on GET /v1/me/profile → 403 auth.service_account_forbidden', async () => {
        const key = await server.app.services.accounts.createApiKey(svc.id);
        assert.match(key.key, /^pfd_[\w-]{43}$/);
        const res = await me(server, key.key);
        assert.equal(res.status, 403);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.body.code, 'auth.service_account_forbidden');
      });

      it('a revoked key → 401 invalid_token', async () => {
        const key = await server.app.services.accounts.createApiKey(svc.id, 'to-revoke');
        assert.equal((await me(server, key.key)).status, 403, 'recognised while live');
        await server.app.services.accounts.revokeApiKey(key.id);
        assertInvalidToken(await me(server, key.key));
      });

      it('an unknown pfd_ key → 401 invalid_token', async () => {
        assertInvalidToken(await me(server, `pfd_${'A'.repeat(43)}`));
      });

      it('a human account cannot get an API key (auth.forbidden)', async () => {
        const ada = await server.createUser();
        await assert.rejects(server.app.services.accounts.createApiKey(ada.id), { name: 'ProfiledError', code: 'auth.forbidden' });
        assert.deepEqual(await server.app.services.accounts.listApiKeys(ada.id), []);
      });

      it('a service account cannot use the password grant, even with a password → 400 invalid_grant', async () => {
        const withPassword = await server.app.services.accounts.createAccount({ username: `svc-${Math.random().toString(36).slice(2, 8)}`, kind: 'service', email: null, password: STRONG });
        const res = await passwordGrant(server, withPassword.username, STRONG);
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_grant');
        assert.equal((await passwordGrant(server, svc.username, PASSWORD)).status, 400, 'nor without one');
      });
    });

    describe('discovery', () => {
      it('/.well-known/jwks.json → one OKP Ed25519 public key with a kid and no private member', async () => {
        const res = await server.request('GET', '/.well-known/jwks.json');
        assert.equal(res.status, 200);
        assert.equal(res.body.keys.length, 1);
        const [key] = res.body.keys;
        assert.equal(key.kty, 'OKP');
        assert.equal(key.crv, 'Ed25519');
        assert.equal(key.alg, 'EdDSA');
        assert.equal(key.use, 'sig');
        assert.equal(typeof key.kid, 'string');
        assert.ok(key.kid.length > 0);
        assert.match(key.x, /^[\w-]{43}$/);
        assert.ok(!('d' in key), 'the private key must not be published');
        assert.equal(decode(partsOf((await server.createUser()).token).header)['kid'], key.kid, 'tokens name the published key');
      });

      it('/.well-known/openid-configuration names the issuer, token endpoint and JWKS', async () => {
        const res = await server.request('GET', '/.well-known/openid-configuration');
        assert.equal(res.status, 200);
        assert.equal(res.body.issuer, 'http://127.0.0.1');
        assert.equal(res.body.token_endpoint, 'http://127.0.0.1/oauth/v2/token');
        assert.equal(res.body.jwks_uri, 'http://127.0.0.1/.well-known/jwks.json');
        assert.deepEqual(res.body.id_token_signing_alg_values_supported, ['EdDSA']);
      });
    });
  });

  describe(`login throttling (${backend.name})`, () => {
    let perAccount: TestServer;
    let perIp: TestServer;
    before(async () => {
      perAccount = await startServer(backend, { config: { loginMaxFailuresPerAccount: 3, loginMaxFailuresPerIp: 1000, loginWindowSeconds: 60 } });
      perIp = await startServer(backend, { config: { loginMaxFailuresPerAccount: 1000, loginMaxFailuresPerIp: 4, loginWindowSeconds: 60 } });
    });
    after(async () => {
      await perAccount?.close();
      await perIp?.close();
    });

    it('3 wrong passwords for one account → 400 each; the 4th, even right → 429 slow_down with Retry-After 1..60', async () => {
      const ada = await perAccount.createUser();
      const bob = await perAccount.createUser();
      for (let i = 0; i < 3; i++) {
        const res = await passwordGrant(perAccount, ada.username, `Wrong-Password-${i}`);
        assert.equal(res.status, 400, `attempt ${i + 1}`);
        assert.equal(res.body.error, 'invalid_grant');
      }
      const res = await passwordGrant(perAccount, ada.username, ada.password);
      assert.equal(res.status, 429);
      assert.equal(res.body.error, 'slow_down');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const retryAfter = res.headers.get('retry-after');
      assert.match(retryAfter ?? '', /^\d+$/);
      assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${retryAfter}`);
      assert.equal((await passwordGrant(perAccount, ada.email, ada.password)).status, 429, 'by email it is the same account');
      assert.equal((await passwordGrant(perAccount, bob.username, bob.password)).status, 200, 'another account is not affected');
    });

    it('failures spread over different usernames from one address → 429 once the per-IP limit (4) is reached', async () => {
      const users = [await perIp.createUser(), await perIp.createUser()];
      const names = [users[0]!.username, users[1]!.username, 'ghost-one', 'ghost-two'];
      for (const name of names) {
        const res = await passwordGrant(perIp, name, 'Wrong-Password-9');
        assert.equal(res.status, 400, name);
        assert.equal(res.body.error, 'invalid_grant');
      }
      const res = await passwordGrant(perIp, users[0]!.username, users[0]!.password);
      assert.equal(res.status, 429);
      assert.equal(res.body.error, 'slow_down');
      const retryAfter = Number(res.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal((await passwordGrant(perIp, 'ghost-three', 'whatever')).status, 429, 'an account never tried before is refused too');
    });
  });
}
