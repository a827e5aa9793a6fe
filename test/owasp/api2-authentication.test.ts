import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqlite } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { surfaces } from './surfaces.ts';

/**
 * OWASP API2:2023 Broken Authentication, on every surface: no credential, a forged one, an
 * expired one and a revoked session are all refused with 401; API keys never open a
 * person's endpoints. (The token endpoint's own cases are in test/auth.test.ts.)
 */
describe('API2 broken authentication', () => {
  let server: TestServer;
  let user: TestUser;
  let now = Date.now();
  before(async () => {
    server = await startServer(sqlite, { clock: { now: () => new Date(now) } });
    user = await server.createUser();
  });
  after(() => server.close());

  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  for (const surface of surfaces) {
    it(`${surface.name}: missing, forged, alg:none and expired tokens → 401 with a Bearer challenge`, async () => {
      const [header, payload, signature] = user.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = [
        undefined,
        `${header}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`,
        `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
        `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`,
      ];
      for (const token of forged) {
        const res = await server.request('GET', surface.read, token ? { token } : {});
        assert.equal(res.status, 401, `${surface.name} accepted ${token?.slice(0, 30)}`);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
      const later = now;
      now += 16 * 60 * 1000;
      const expired = await server.request('GET', surface.read, { token: user.token });
      now = later;
      assert.equal(expired.status, 401);
    });

    it(`${surface.name}: an API key is refused with 403; a logged-out session with 401`, async () => {
      const svc = await server.app.services.accounts.createAccount({ username: `svc-${surface.name}`, kind: 'service' });
      const { key } = await server.app.services.accounts.createApiKey(svc.id);
      assert.equal((await server.request('GET', surface.read, { token: key })).status, 403);
      const session = await server.login(user.username);
      await server.request('POST', '/v1/me/logout', { token: session.access_token });
      assert.equal((await server.request('GET', surface.read, { token: session.access_token })).status, 401);
    });
  }
});
