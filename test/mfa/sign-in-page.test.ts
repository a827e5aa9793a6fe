import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { backends } from '../support/backends.ts';
import { freePort, startServer, type TestServer } from '../support/server.ts';
import { codeAt, enrolTotp, openSignIn, passwordGrant, stepClock, submit } from './support.ts';

/**
 * Issue 22, points 3 and 6, on the authorization-code sign-in page (no script): a code asked
 * after a right password, the ID token's `amr` and `auth_time`; and an org that requires a
 * second factor leading a member without one to set it up right there.
 */
const RP = 'http://127.0.0.1:9/callback';

for (const backend of backends) {
  describe(`Sign-in page with a second factor (${backend.name})`, () => {
    let server: TestServer;
    let client: oidc.Configuration;
    const clock = stepClock();

    async function authorize() {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(client, { redirect_uri: RP, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce });
      return { page: await openSignIn(url.toString()), verifier, state, nonce };
    }
    const exchange = (a: { verifier: string; state: string; nonce: string }, location: string) =>
      oidc.authorizationCodeGrant(client, new URL(location), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce, idTokenExpected: true });

    before(async () => {
      const port = await freePort();
      server = await startServer(backend, { port, clock, config: { issuer: `http://127.0.0.1:${port}`, loginMaxFailuresPerAccount: 4 } });
      const c = await server.app.services.oidc.createClient({ name: 'Analytical RP', redirectUris: [RP], public: true });
      client = await oidc.discovery(new URL(server.url), c.client_id, { id_token_signed_response_alg: 'EdDSA' }, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    });
    after(() => server.close());

    it('without a second factor the password signs in as before, amr ["pwd"]', async () => {
      const user = await server.createUser();
      const a = await authorize();
      const res = await submit(a.page, server.url, { username: user.username, password: user.password });
      assert.equal(res.status, 303, res.html.slice(0, 300));
      const claims = (await exchange(a, res.location!)).claims()!;
      assert.deepEqual(claims.amr, ['pwd']);
      assert.equal(typeof claims.auth_time, 'number');
    });

    it('with one, the code is asked after the password; a wrong one shows the step again; the right one signs in with amr pwd otp mfa', async () => {
      const user = await server.createUser();
      const { secret } = await enrolTotp(server, user, clock);
      clock.step(1);
      const a = await authorize();
      const wrongPassword = await submit(a.page, server.url, { username: user.username, password: 'Not-The-Password-1' });
      assert.equal(wrongPassword.status, 400);
      assert.ok(!wrongPassword.html.includes('Two-step verification'), 'a wrong password never reaches the code step');

      const step = await submit(a.page, server.url, { username: user.username, password: user.password });
      assert.equal(step.status, 200, step.html.slice(0, 300));
      assert.match(step.html, /<h1>Two-step verification<\/h1>/);
      assert.match(step.html, /autocomplete="one-time-code"/);
      assert.match(step.html, /<label for="code">/);
      assert.ok(!step.html.includes(secret));

      const wrong = await submit(step, server.url, { code: String((Number(codeAt(secret, clock.ms())) + 7) % 1_000_000).padStart(6, '0') });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /role="alert"[^>]*>The code is not correct/);
      assert.match(wrong.html, /aria-invalid="true"/);

      const done = await submit(wrong, server.url, { code: codeAt(secret, clock.ms()) });
      assert.equal(done.status, 303, done.html.slice(0, 300));
      const tokens = await exchange(a, done.location!);
      const claims = tokens.claims()!;
      assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
      assert.equal(claims.auth_time, Math.floor(clock.ms() / 1000));
      const sessions = await server.request('GET', '/v1/me/sessions', { token: tokens.access_token });
      assert.deepEqual(sessions.body.sessions.find((s: { current: boolean }) => s.current).amr, ['pwd', 'otp', 'mfa']);

      const replay = await submit(step, server.url, { code: codeAt(secret, clock.ms()) });
      assert.equal(replay.status, 400, 'the challenge is spent once used');
      assert.match(replay.html, /expired or was already completed/);
      assert.match(replay.html, /name="password"/, 'and the sign-in starts over');
    });

    it('a recovery code works at the code step; the challenge cannot be forged', async () => {
      const user = await server.createUser();
      const { recovery_codes } = await enrolTotp(server, user, clock);
      const a = await authorize();
      const step = await submit(a.page, server.url, { username: user.username, password: user.password });
      const forged = await submit(step, server.url, { challenge: 'A'.repeat(43), code: recovery_codes[0]! });
      assert.equal(forged.status, 400);
      const done = await submit(step, server.url, { code: recovery_codes[0]! });
      assert.equal(done.status, 303, done.html.slice(0, 300));
      assert.deepEqual((await exchange(a, done.location!)).claims()!.amr, ['pwd', 'otp', 'mfa']);
    });

    it('wrong codes at the page count against the sign-in throttle', async () => {
      const user = await server.createUser();
      const { secret } = await enrolTotp(server, user, clock);
      clock.step(1);
      const a = await authorize();
      let page = await submit(a.page, server.url, { username: user.username, password: user.password });
      for (let i = 0; i < 4; i++) page = await submit(page, server.url, { code: String((Number(codeAt(secret, clock.ms())) + 11 + i) % 1_000_000).padStart(6, '0') });
      const locked = await submit(page, server.url, { code: codeAt(secret, clock.ms()) });
      assert.equal(locked.status, 429, locked.html.slice(0, 300));
      assert.equal((await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms()))).status, 429, 'the same throttle as the password grant');
      clock.step(31);
    });

    it('an org that requires a second factor: a member without one sets it up after the password, sees the recovery codes once, then continues', async () => {
      await server.app.services.accounts.createOrg({ slug: `strict-${backend.name}`, name: 'Strict' });
      const policy = await server.app.services.mfa.setPolicy({ slug: `strict-${backend.name}` }, { mfa: 'required' });
      assert.deepEqual(policy, { mfa: 'required', new_device_notice: true });
      const user = await server.createUser({ org: `strict-${backend.name}` }).catch((err: Error) => err);
      assert.ok(user instanceof Error && /mfa_required|403/.test(user.message), 'the test harness signs in by the password grant, which now answers mfa_required');
      const account = await server.app.services.accounts.createAccount({ email: `strict-${backend.name}@example.com`, password: 'Correct-Horse-Battery-9', username: `strict-${backend.name}`, org: `strict-${backend.name}`, displayName: 'Strict Member' });
      const grant = await passwordGrant(server, account.username, 'Correct-Horse-Battery-9');
      assert.equal(grant.status, 403);
      assert.equal(grant.body.error, 'mfa_required');

      const a = await authorize();
      const enrol = await submit(a.page, server.url, { username: account.username, password: 'Correct-Horse-Battery-9' });
      assert.equal(enrol.status, 200, enrol.html.slice(0, 300));
      assert.match(enrol.html, /<h1>Set up two-step verification<\/h1>/);
      assert.match(enrol.html, /<img class="qr" [^>]*alt="QR code[^"]*" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+">/);
      const key = /Key: <code>([A-Z2-7 ]+)<\/code>/.exec(enrol.html)![1]!.replace(/ /g, '');
      assert.equal(key.length, 32);

      const wrong = await submit(enrol, server.url, { code: String((Number(codeAt(key, clock.ms())) + 3) % 1_000_000).padStart(6, '0') });
      assert.equal(wrong.status, 400);
      assert.ok(wrong.html.includes(key.replace(/(.{4})(?=.)/g, '$1 ')), 'the same key is shown again after a wrong code');

      const codes = await submit(wrong, server.url, { code: codeAt(key, clock.ms()) });
      assert.equal(codes.status, 200, codes.html.slice(0, 300));
      const shown = [...codes.html.matchAll(/<li><code>([a-z2-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
      assert.equal(shown.length, 10);

      const done = await submit(codes, server.url, {});
      assert.equal(done.status, 303, done.html.slice(0, 300));
      const tokens = await exchange(a, done.location!);
      assert.deepEqual(tokens.claims()!.amr, ['pwd', 'otp', 'mfa']);
      const status = await server.request('GET', '/v1/me/mfa', { token: tokens.access_token });
      assert.equal(status.body.factors.length, 1);
      assert.equal(status.body.required, true);
      assert.equal(status.body.recovery_codes_left, 10);
      assert.equal((await submit(codes, server.url, {})).status, 400, 'the continue step works once');

      clock.step(1);
      assert.equal((await passwordGrant(server, account.username, 'Correct-Horse-Battery-9', codeAt(key, clock.ms()))).status, 200, 'with the factor the grant works');
      const optional = await server.app.services.mfa.setPolicy({ slug: `strict-${backend.name}` }, { mfa: 'optional' });
      assert.equal(optional.mfa, 'optional');
    });
  });
}
