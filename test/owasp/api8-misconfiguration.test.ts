import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { sqlite } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { surfaces } from './surfaces.ts';

/**
 * OWASP API8:2023 Security Misconfiguration: security headers on every surface, no
 * framework banner, no cross-origin access granted to arbitrary origins, no internals in
 * errors, unsafe methods refused.
 */
describe('API8 security misconfiguration', () => {
  let server: TestServer;
  let user: TestUser;
  before(async () => {
    server = await startServer(sqlite);
    user = await server.createUser();
  });
  after(() => server.close());

  for (const surface of surfaces) {
    it(`${surface.name}: security headers, no x-powered-by, no CORS grant to a foreign origin`, async () => {
      const res = await server.request('GET', surface.read, { token: user.token, headers: { origin: 'https://evil.example' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(res.headers.get('content-security-policy'));
      assert.equal(res.headers.get('x-powered-by'), null);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      const preflight = await server.request('OPTIONS', surface.write.path, { headers: { origin: 'https://evil.example', 'access-control-request-method': surface.write.method } });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    });

    it(`${surface.name}: a broken request shows no stack, path or driver detail`, async () => {
      const res = await server.request(surface.write.method, surface.write.path, { token: user.token, raw: '{"a":', contentType: 'application/json' });
      assert.ok(res.status >= 400 && res.status < 500);
      assert.doesNotMatch(res.text, /\n\s+at |node_modules|\/work\/|SQLITE|Kysely|fastify/i);
    });
  }

  it('TRACE is not served (no request echo)', async () => {
    const { hostname, port } = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ hostname, port, path: '/v1/me/profile', method: 'TRACE', headers: { authorization: `Bearer ${user.token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(status === 404 || status === 405, String(status));
  });
});
