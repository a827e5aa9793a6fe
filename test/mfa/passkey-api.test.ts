import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { openSignIn, submit } from './support.ts';

/**
 * Issue 22, the passkey endpoints without a browser (the ceremonies themselves are in
 * passkeys.test.ts): the password first, bad or forged answers refused with a clear problem
 * (never a 500), the sign-in page's options bounded per address.
 */
const clientData = (challenge: string) => Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge, origin: 'http://127.0.0.1' })).toString('base64url');

for (const backend of backends) {
  describe(`Passkey API (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('creation options need the current password and name PUBLIC_URL\'s host as the relying party', async () => {
      const wrong = await server.request('POST', '/v1/me/passkeys/options', { token: user.token, body: { current_password: 'Not-The-Password-1' } });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.code, 'password.incorrect');
      const res = await server.request('POST', '/v1/me/passkeys/options', { token: user.token, body: { current_password: user.password } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.rp.id, '127.0.0.1');
      assert.match(res.body.challenge, /^[A-Za-z0-9_-]{32,}$/);
      assert.equal(res.body.authenticatorSelection.residentKey, 'required');
      assert.equal(res.body.attestation, 'none');
      assert.equal(res.body.user.id, Buffer.from(user.id).toString('base64url'));
    });

    it('a registration that is not an answer to our challenge, or not one at all, is a 400 problem', async () => {
      const options = (await server.request('POST', '/v1/me/passkeys/options', { token: user.token, body: { current_password: user.password } })).body;
      const cases: [string, string][] = [
        ['{"name":"Laptop","response":{}}', 'passkey.invalid'],
        [JSON.stringify({ name: 'Laptop', response: { id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: clientData('A'.repeat(43)), attestationObject: 'AAAA' } } }), 'passkey.invalid'],
        [JSON.stringify({ name: 'Laptop', response: { id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: clientData(options.challenge), attestationObject: 'AAAA' } } }), 'passkey.invalid'],
        [JSON.stringify({ name: 'Laptop', response: { response: { clientDataJSON: 'not base64 json' } } }), 'passkey.invalid'],
        ['{"name":"","response":{}}', 'request.invalid_parameter'],
        [JSON.stringify({ name: 'x'.repeat(101), response: {} }), 'request.invalid_body'],
        ['{"name":"Laptop","response":"x"}', 'request.invalid_body'],
        ['{"name":"Laptop","response":', 'request.malformed_json'],
      ];
      for (const [raw, code] of cases) {
        const res = await server.request('POST', '/v1/me/passkeys', { token: user.token, raw });
        assert.equal(res.status, 400, `${raw.slice(0, 80)}: ${res.status} ${res.text}`);
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        assert.equal(res.body.code, code, raw.slice(0, 80));
      }
      const bytes = await fetch(`${server.url}/v1/me/passkeys`, { method: 'POST', headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) });
      assert.equal(bytes.status, 400);
      assert.deepEqual((await server.request('GET', '/v1/me/passkeys', { token: user.token })).body, { passkeys: [] });
    });

    it('removing a passkey that is not there is a 404; without a token, 401', async () => {
      const res = await server.request('DELETE', '/v1/me/passkeys/0b7c7c1e-0000-4000-8000-000000000000', { token: user.token, body: { current_password: user.password } });
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 'passkey.not_found');
      assert.equal((await server.request('GET', '/v1/me/passkeys')).status, 401);
    });

    it('the sign-in page\'s options: user verification required without a sign-in step, bounded per address', async () => {
      const first = await server.request('POST', '/oauth/v2/passkey/options', { body: {} });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.userVerification, 'required');
      assert.deepEqual(first.body.allowCredentials ?? [], []);
      assert.equal(first.headers.get('cache-control'), 'no-store');
      const forged = await server.request('POST', '/oauth/v2/passkey/options', { body: { challenge: 'A'.repeat(43) } });
      assert.equal(forged.status, 400, 'a sign-in step that does not exist');
      assert.equal((await server.request('POST', '/oauth/v2/passkey/options', { body: { other: 1 } })).status, 200, 'unknown fields are dropped, as elsewhere');
      let last = 0;
      for (let i = 0; i < 60 && last !== 429; i++) last = (await server.request('POST', '/oauth/v2/passkey/options', { body: {} })).status;
      assert.equal(last, 429);
    });

    it('a posted assertion that is garbage shows the sign-in page again with the error', async () => {
      const client = await server.app.services.oidc.createClient({ name: 'RP', redirectUris: ['http://127.0.0.1:9/cb'], public: true });
      const params = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: 'http://127.0.0.1:9/cb', scope: 'openid', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
      const page = await openSignIn(`${server.url}/oauth/v2/authorize?${params}`);
      assert.match(page.html, /id="passkey-button">Use a passkey</);
      assert.match(page.html, /<script src="\/oauth\/v2\/passkey\.js" defer><\/script>/);
      const passkeyForm = { ...page, html: page.html.slice(page.html.indexOf('<form method="post" action="/oauth/v2/authorize/passkey"')) };
      for (const assertion of ['', '{', '[]', JSON.stringify({ id: 'x', response: { clientDataJSON: clientData('B'.repeat(43)) } })]) {
        const res = await submit(passkeyForm, server.url, { assertion });
        assert.equal(res.status, 400, `${assertion}: ${res.status}`);
        assert.match(res.html, /The passkey could not be verified/);
        assert.match(res.html, /name="password"/);
      }
      const script = await fetch(`${server.url}/oauth/v2/passkey.js`);
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    });
  });
}
