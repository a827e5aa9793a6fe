import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { configProblems } from '../support/config.ts';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { surfaces } from '../owasp/surfaces.ts';

/**
 * Trust in an outside identity provider (OIDC_TRUSTED_ISSUER): a second issuer runs in the
 * test on 127.0.0.1 (discovery and a JWKS, counted), and its access tokens are accepted on
 * every dialect, mapped to one account per subject — and refused when anything is off.
 */
type Key = Awaited<ReturnType<typeof generateKeyPair>> & { kid: string; alg: string };

interface Issuer {
  readonly url: string;
  jwksFetches: number;
  /** Requests of any kind, answered or not. */
  readonly hits: number;
  /** While true every request answers 503. */
  down: boolean;
  /** The keys the JWKS publishes. */
  published: Key[];
  newKey(alg: 'RS256' | 'ES256'): Promise<Key>;
  sign(key: Key, claims?: Record<string, unknown>, opts?: { aud?: string; exp?: number; iss?: string }): Promise<string>;
  close(): Promise<void>;
}

async function startIssuer(audience: string): Promise<Issuer> {
  const state: { published: Key[]; jwksFetches: number; hits: number; down: boolean } = { published: [], jwksFetches: 0, hits: 0, down: false };
  let url = '';
  const server: Server = createServer(async (req, res) => {
    state.hits++;
    if (state.down) res.writeHead(503).end();
    else if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] }));
    } else if (req.url === '/jwks') {
      state.jwksFetches++;
      const keys: JWK[] = await Promise.all(state.published.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: k.alg, use: 'sig' })));
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer: Issuer = {
    url,
    get jwksFetches() {
      return state.jwksFetches;
    },
    set jwksFetches(n) {
      state.jwksFetches = n;
    },
    get hits() {
      return state.hits;
    },
    get down() {
      return state.down;
    },
    set down(value) {
      state.down = value;
    },
    get published() {
      return state.published;
    },
    set published(keys) {
      state.published = keys;
    },
    async newKey(alg) {
      return { ...(await generateKeyPair(alg, { extractable: true })), kid: randomUUID(), alg };
    },
    async sign(key, claims = {}, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
        .setIssuer(opts.iss ?? url)
        .setAudience(opts.aud ?? audience)
        .setSubject(String(claims['sub'] ?? 'subject-1'))
        .setIssuedAt(now)
        .setExpirationTime(opts.exp ?? now + 300)
        .sign(key.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return issuer;
}

const AUDIENCE = 'profiled-api';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('OIDC_TRUSTED_* configuration', () => {
  const problems = configProblems;
  it('the issuer needs an audience, and https unless it is on a loopback host', () => {
    assert.match(problems({ OIDC_TRUSTED_ISSUER: 'https://idp.example.com' }).join(), /OIDC_TRUSTED_AUDIENCE is required/);
    assert.match(problems({ OIDC_TRUSTED_ISSUER: 'http://idp.example.com', OIDC_TRUSTED_AUDIENCE: 'a' }).join(), /must be an https URL/);
    assert.match(problems({ OIDC_TRUSTED_ISSUER: 'idp.example.com', OIDC_TRUSTED_AUDIENCE: 'a' }).join(), /absolute http\(s\) URL/);
    assert.match(problems({ OIDC_TRUSTED_AUDIENCE: 'a' }).join(), /need OIDC_TRUSTED_ISSUER/);
    assert.deepEqual(problems({ OIDC_TRUSTED_ISSUER: 'http://127.0.0.1:9000', OIDC_TRUSTED_AUDIENCE: 'a' }), []);
    assert.deepEqual(problems({ OIDC_TRUSTED_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_TRUSTED_AUDIENCE: 'a', OIDC_TRUSTED_JWKS_URL: 'https://tenant.eu.auth0.com/.well-known/jwks.json' }), []);
  });
});

for (const backend of backends) {
  describe(`trusted outside identity provider (${backend.name})`, () => {
    let idp: Issuer;
    let stranger: Issuer;
    let rsa: Key;
    let server: TestServer;
    let strangerKey: Key;

    before(async () => {
      idp = await startIssuer(AUDIENCE);
      stranger = await startIssuer(AUDIENCE);
      rsa = await idp.newKey('RS256');
      idp.published = [rsa];
      strangerKey = await stranger.newKey('RS256');
      stranger.published = [strangerKey];
      // The configured org must exist at start-up: a first run creates it.
      const first = await startServer(backend);
      await first.app.services.accounts.createOrg({ slug: 'partners', name: 'Partners' });
      await first.close();
      server = await startServer(backend, {
        databaseUrl: first.databaseUrl,
        config: { oidcTrustedIssuer: idp.url, oidcTrustedAudience: AUDIENCE, oidcTrustedOrg: 'partners', oidcTrustedJwksCooldownMs: 300 },
      });
    });
    after(async () => {
      await server?.close();
      await idp?.close();
      await stranger?.close();
    });

    const read = (token: string, path = '/v1/me/profile') => server.request('GET', path, { token });

    it('a valid token is accepted on every dialect\'s read path; the first sight creates the account in OIDC_TRUSTED_ORG with the claims mapped', async () => {
      const token = await idp.sign(rsa, { sub: 'ada-sub', preferred_username: 'Ada.L', email: `ada-${backend.name}@idp.example.com`, email_verified: true, given_name: 'Ada', family_name: 'Lovelace', name: 'Ada Lovelace' });
      for (const surface of surfaces) {
        const res = await read(token, surface.read);
        assert.equal(res.status, 200, `${surface.name}: ${res.text.slice(0, 200)}`);
      }
      const me = await read(token);
      assert.equal(me.body.username, 'ada.l');
      assert.equal(me.body.email, `ada-${backend.name}@idp.example.com`);
      assert.equal(me.body.display_name, 'Ada Lovelace');
      assert.equal(me.body.given_name, 'Ada');
      assert.equal(me.body.family_name, 'Lovelace');
      const identity = await server.app.storage.repos.findExternalIdentity(idp.url, 'ada-sub');
      assert.ok(identity);
      const account = await server.app.storage.repos.findAccount(identity.account_id);
      assert.equal(account?.password_hash, null);
      assert.equal(account?.kind, 'human');
      const partners = await server.app.storage.repos.findOrg({ slug: 'partners' });
      assert.equal(account?.default_org_id, partners?.id);
      const profiles = await server.app.storage.repos.listProfilesOf(identity.account_id);
      assert.deepEqual(profiles.map((p) => p.org_id), [partners?.id]);
    });

    it('ten concurrent first requests of one subject end with one account', async () => {
      const token = await idp.sign(rsa, { sub: 'racer', preferred_username: 'racer' });
      const answers = await Promise.all(Array.from({ length: 10 }, () => read(token)));
      for (const res of answers) assert.equal(res.status, 200, res.text.slice(0, 200));
      assert.equal(new Set(answers.map((r) => r.body.account_id)).size, 1);
      const identity = await server.app.storage.repos.findExternalIdentity(idp.url, 'racer');
      assert.equal(identity?.account_id, answers[0]!.body.account_id);
      assert.equal((await server.app.storage.repos.findAccountByLogin('racer'))?.id, identity?.account_id);
      assert.equal(await server.app.storage.repos.isTaken('username', 'racer', identity!.account_id), false, 'no second account took a derived name');
    });

    it('without usable claims the username comes from sub, made unique; an email another account uses is not taken over', async () => {
      const local = await server.createUser({ email: `taken-${backend.name}@example.com`, username: 'grace' });
      const token = await idp.sign(rsa, { sub: 'grace', email: local.email, name: '' });
      const me = await read(token);
      assert.equal(me.status, 200);
      assert.notEqual(me.body.account_id, local.id);
      assert.match(me.body.username, /^grace-[0-9a-f]{8}$/);
      assert.equal(me.body.email, null);
      const odd = await read(await idp.sign(rsa, { sub: 'auth0|ünïcode <script>' }));
      assert.equal(odd.status, 200);
      assert.match(odd.body.username, /^[A-Za-z0-9@.+_-]+$/);
    });

    it('a PATCH through an outside token works and is seen through another dialect', async () => {
      const token = await idp.sign(rsa, { sub: 'patcher' });
      const patched = await server.request('PATCH', '/v1/me/profile', { token, body: { position: 'Analyst' }, contentType: 'application/merge-patch+json' });
      assert.equal(patched.status, 200, patched.text);
      const nexudus = await read(token, '/en/profile?_resource=Coworker');
      assert.equal(nexudus.body.Position, 'Analyst');
      const put = await server.request('PUT', '/auth/v1/users/me/profile', { token, body: { firstName: 'Charles', lastName: 'Babbage', displayName: 'Charles Babbage' } });
      assert.equal(put.status, 200, put.text);
      assert.equal((await read(token)).body.display_name, 'Charles Babbage');
    });

    it('what needs a Profiled session or password answers a clear 4xx: profile switch 403, password change 400', async () => {
      const token = await idp.sign(rsa, { sub: 'switcher' });
      const me = await read(token);
      const second = await server.app.services.accounts.addProfile(me.body.account_id, 'default');
      const sw = await server.request('POST', `/v1/me/profiles/${second.id}/activate`, { token });
      assert.equal(sw.status, 403);
      assert.match(sw.body.detail, /Profiled session/);
      const pw = await server.request('POST', '/v1/me/password', { token, body: { current_password: 'anything-at-all', new_password: 'Brand-New-Password-42' } });
      assert.equal(pw.status, 400, pw.text);
      assert.match(pw.text, /no Profiled password/);
      const logout = await server.request('POST', '/v1/me/logout', { token });
      assert.ok(logout.status < 500, logout.text);
    });

    it('the export lists the outside identity; erasure forgets it, so the subject starts afresh', async () => {
      const token = await idp.sign(rsa, { sub: 'forget-me' });
      const me = await read(token);
      const exported = await server.request('GET', '/v1/me/export', { token });
      assert.equal(exported.status, 200, exported.text);
      assert.deepEqual(exported.body.external_identities.map((i: { issuer: string; subject: string }) => [i.issuer, i.subject]), [[idp.url, 'forget-me']]);
      const longAgo = new Date(Date.now() - 400 * 86_400_000).toISOString();
      await server.app.storage.repos.setAccountStatus(me.body.account_id, 'deleting', longAgo, longAgo);
      assert.equal((await read(token)).status, 401, 'an account being deleted is refused');
      await server.app.services.deletion.purge();
      assert.equal(await server.app.storage.repos.findExternalIdentity(idp.url, 'forget-me'), undefined);
      const again = await read(token);
      assert.equal(again.status, 200, again.text);
      assert.notEqual(again.body.account_id, me.body.account_id);
    });

    it('a disabled account stays refused', async () => {
      const token = await idp.sign(rsa, { sub: 'to-disable' });
      const me = await read(token);
      await server.app.storage.repos.setAccountStatus(me.body.account_id, 'disabled', null, new Date().toISOString());
      const res = await read(token);
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 'auth.token_invalid');
    });

    it('refused with 401: an unknown key, a wrong aud, an untrusted iss, expired, alg none, HS256 keyed with the public key, no sub', async () => {
      const foreign = await idp.newKey('RS256'); // same kid scheme, never published
      const now = Math.floor(Date.now() / 1000);
      const hsSecret = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
      const hs256 = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).setIssuer(idp.url).setAudience(AUDIENCE).setSubject('hs').setExpirationTime(now + 300).sign(hsSecret);
      const cases: Record<string, string> = {
        'unknown key': await idp.sign(foreign, { sub: 'mallory' }),
        'wrong aud': await idp.sign(rsa, { sub: 'mallory' }, { aud: 'someone-else' }),
        'untrusted iss': await stranger.sign(strangerKey, { sub: 'mallory' }),
        'iss claimed, key of another issuer': await stranger.sign(strangerKey, { sub: 'mallory' }, { iss: idp.url }),
        expired: await idp.sign(rsa, { sub: 'mallory' }, { exp: now - 120 }),
        'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: idp.url, aud: AUDIENCE, sub: 'mallory', exp: now + 300 })}.`,
        'HS256 with the public key': hs256,
        'no sub': await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: rsa.kid }).setIssuer(idp.url).setAudience(AUDIENCE).setExpirationTime(now + 300).sign(rsa.privateKey),
      };
      for (const [name, token] of Object.entries(cases)) {
        for (const surface of surfaces) {
          const res = await read(token, surface.read);
          assert.equal(res.status, 401, `${name} on ${surface.name}: ${res.status} ${res.text.slice(0, 200)}`);
          assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
        }
      }
      assert.equal(await server.app.storage.repos.findExternalIdentity(idp.url, 'mallory'), undefined);
    });

    it('the JWKS is cached; a new kid after the issuer adds a key refetches it once and is accepted', async () => {
      const token = await idp.sign(rsa, { sub: 'cache-check' });
      assert.equal((await read(token)).status, 200);
      const fetches = idp.jwksFetches;
      for (let i = 0; i < 20; i++) assert.equal((await read(await idp.sign(rsa, { sub: `cache-${i % 3}` }))).status, 200);
      assert.equal(idp.jwksFetches, fetches, 'no refetch for known keys');
      await new Promise((r) => setTimeout(r, 350)); // past the refetch cooldown the unknown-key case may have started
      const ec = await idp.newKey('ES256');
      idp.published = [rsa, ec];
      const rotated = await idp.sign(ec, { sub: 'cache-check' });
      assert.equal((await read(rotated)).status, 200);
      assert.equal(idp.jwksFetches, fetches + 1);
      for (let i = 0; i < 10; i++) assert.equal((await read(rotated)).status, 200);
      assert.equal(idp.jwksFetches, fetches + 1);
    });

    it('a fresh server fetches the JWKS once over many requests', async () => {
      const before = idp.jwksFetches;
      const fresh = await startServer(backend, { config: { oidcTrustedIssuer: idp.url, oidcTrustedAudience: AUDIENCE } });
      try {
        const token = await idp.sign(rsa, { sub: 'fresh' });
        await Promise.all(Array.from({ length: 5 }, () => fresh.request('GET', '/v1/me/profile', { token })));
        for (let i = 0; i < 20; i++) assert.equal((await fresh.request('GET', '/v1/me/profile', { token })).status, 200);
        assert.equal(idp.jwksFetches - before, 1);
        const identity = await fresh.app.storage.repos.findExternalIdentity(idp.url, 'fresh');
        const account = await fresh.app.storage.repos.findAccount(identity!.account_id);
        assert.equal(account?.default_org_id, (await fresh.app.storage.repos.findOrg({ slug: 'default' }))?.id, 'default org by default');
      } finally {
        await fresh.close();
      }
    });

    it('the issuer down → 401, never 500, logged without the token; asked again only after the cooldown', async () => {
      const flaky = await startIssuer(AUDIENCE);
      const key = await flaky.newKey('RS256');
      flaky.published = [key];
      flaky.down = true;
      const token = await flaky.sign(key, { sub: 'down' });
      const fresh = await startServer(backend, { config: { oidcTrustedIssuer: flaky.url, oidcTrustedAudience: AUDIENCE, oidcTrustedJwksCooldownMs: 400 } });
      try {
        for (const surface of surfaces) assert.equal((await fresh.request('GET', surface.read, { token })).status, 401, surface.name);
        assert.equal(flaky.hits, 1, 'one discovery attempt within the cooldown, not one per request');
        assert.equal(fresh.logs.filter((l) => l.includes('outside identity provider unavailable')).length, 1);
        flaky.down = false;
        await new Promise((r) => setTimeout(r, 450));
        const back = await fresh.request('GET', '/v1/me/profile', { token });
        assert.equal(back.status, 200, back.text);
      } finally {
        await fresh.close(); // asserts no token reached the log
        await flaky.close();
      }
    });

    it('an issuer that cannot be reached at all → 401', async () => {
      const gone = await startIssuer(AUDIENCE);
      const key = await gone.newKey('RS256');
      gone.published = [key];
      const token = await gone.sign(key, { sub: 'gone' });
      await gone.close();
      const fresh = await startServer(backend, { config: { oidcTrustedIssuer: gone.url, oidcTrustedAudience: AUDIENCE } });
      try {
        for (const surface of surfaces) assert.equal((await fresh.request('GET', surface.read, { token })).status, 401, surface.name);
        assert.ok(fresh.logs.some((l) => l.includes('outside identity provider unavailable')));
      } finally {
        await fresh.close();
      }
    });

    it('an OIDC_TRUSTED_ORG that does not exist stops the start with a clear message', async () => {
      await assert.rejects(startServer(backend, { config: { oidcTrustedIssuer: idp.url, oidcTrustedAudience: AUDIENCE, oidcTrustedOrg: 'no-such-org' } }), /OIDC_TRUSTED_ORG names no organization "no-such-org"/);
    });

    it('without the configuration such tokens are refused', async () => {
      const plain = await startServer(backend);
      try {
        const token = await idp.sign(rsa, { sub: 'ada-sub' });
        for (const surface of surfaces) assert.equal((await plain.request('GET', surface.read, { token })).status, 401, surface.name);
      } finally {
        await plain.close();
      }
    });
  });
}
