import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { sqlite } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { surfaces } from './surfaces.ts';

const ALLOWED = 'https://app.example.test';
const preflightHeaders = (origin: string, method: string) => ({ origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type, if-match' });
/** Every `Access-Control-*` header of a response. */
const corsHeadersOf = (headers: Headers) => {
  const found: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith('access-control-')) found[name] = value;
  });
  return found;
};
const varies = (headers: Headers, name: string) => (headers.get('vary') ?? '').split(',').some((v) => v.trim().toLowerCase() === name.toLowerCase());

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

  it('by default (CORS_ORIGINS unset) no origin is granted anything, not even one that could be listed', async () => {
    for (const surface of surfaces) {
      const res = await server.request('GET', surface.read, { token: user.token, headers: { origin: ALLOWED } });
      assert.deepEqual(corsHeadersOf(res.headers), {}, surface.name);
      const preflight = await server.request('OPTIONS', surface.write.path, { headers: preflightHeaders(ALLOWED, surface.write.method) });
      assert.deepEqual(corsHeadersOf(preflight.headers), {}, surface.name);
    }
  });

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

/**
 * API8 again, for the CORS allow-list: only the origins in CORS_ORIGINS are granted, each
 * echoed (never `*`), with `Vary: Origin`; credentials are never allowed; anyone else, a
 * look-alike origin included, gets no CORS header at all.
 */
describe('API8 CORS allow-list (CORS_ORIGINS)', () => {
  let server: TestServer;
  let user: TestUser;
  before(async () => {
    server = await startServer(sqlite, { config: { corsOrigins: [ALLOWED] } });
    user = await server.createUser();
  });
  after(() => server.close());

  for (const surface of surfaces) {
    it(`${surface.name}: a listed origin is echoed with Vary: Origin on a real GET, response headers exposed, no credentials`, async () => {
      const res = await server.request('GET', surface.read, { token: user.token, headers: { origin: ALLOWED } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
      assert.ok(varies(res.headers, 'origin'), `Vary: ${res.headers.get('vary')}`);
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
      assert.deepEqual(res.headers.get('access-control-expose-headers')?.split(/,\s*/), ['ETag', 'Location', 'Retry-After', 'X-Request-Id']);
    });

    it(`${surface.name}: a listed origin's preflight for ${surface.write.method} ${surface.write.path} is answered before authentication`, async () => {
      const res = await server.request('OPTIONS', surface.write.path, { headers: preflightHeaders(ALLOWED, surface.write.method) });
      assert.equal(res.status, 204, res.text);
      assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
      assert.ok(varies(res.headers, 'origin'), `Vary: ${res.headers.get('vary')}`);
      assert.deepEqual(res.headers.get('access-control-allow-methods')?.split(/,\s*/), ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
      assert.deepEqual(res.headers.get('access-control-allow-headers')?.split(/,\s*/), ['Authorization', 'Content-Type', 'If-Match', 'X-Request-Id']);
      assert.equal(res.headers.get('access-control-max-age'), '600');
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
    });

    it(`${surface.name}: an unlisted or look-alike origin gets no CORS header on a GET or a preflight`, async () => {
      for (const origin of ['https://evil.example', 'http://app.example.test', 'https://app.example.test.evil.example', 'https://app.example.test:8443', 'null']) {
        const res = await server.request('GET', surface.read, { token: user.token, headers: { origin } });
        assert.equal(res.status, 200, origin);
        assert.deepEqual(corsHeadersOf(res.headers), {}, origin);
        const preflight = await server.request('OPTIONS', surface.write.path, { headers: preflightHeaders(origin, surface.write.method) });
        assert.deepEqual(corsHeadersOf(preflight.headers), {}, origin);
      }
    });
  }

  it('a refused request from a listed origin is readable by that page (401 with the grant), and still never allows credentials', async () => {
    const res = await server.request('GET', '/v1/me/profile', { headers: { origin: ALLOWED } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  });
});
