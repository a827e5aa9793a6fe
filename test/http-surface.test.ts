import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from './support/backends.ts';
import { startServer, type TestServer, type TestUser } from './support/server.ts';

const noInternals = (text: string) => {
  assert.doesNotMatch(text, /\n\s+at |node_modules|\/work\/|\.ts:\d+|SqliteError|SQLITE_|pg_|TypeError|ReferenceError/, `internals leaked: ${text.slice(0, 300)}`);
};

for (const backend of backends) {
  describe(`HTTP hygiene of the native API (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    let before_: Record<string, unknown>;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
      before_ = (await server.request('GET', '/v1/me/profile', { token: user.token })).body;
    });
    after(() => server.close());

    const cases: [string, { raw: string; contentType: string }, number, string][] = [
      ['a 70 KiB body', { raw: JSON.stringify({ summary: 'x'.repeat(70 * 1024) }), contentType: 'application/json' }, 413, 'request.body_too_large'],
      ['a text/plain body', { raw: '{"given_name":"x"}', contentType: 'text/plain' }, 415, 'request.unsupported_media_type'],
      ['an XML body', { raw: '<given_name>x</given_name>', contentType: 'application/xml' }, 415, 'request.unsupported_media_type'],
      ['malformed JSON', { raw: '{"given_name":', contentType: 'application/json' }, 400, 'request.malformed_json'],
      ['an empty JSON body', { raw: '', contentType: 'application/json' }, 400, 'request.malformed_json'],
      ['a JSON array', { raw: '[{"given_name":"x"}]', contentType: 'application/json' }, 400, 'request.invalid_body'],
      ['a __proto__ key', { raw: '{"__proto__":{"admin":true}}', contentType: 'application/json' }, 400, 'request.malformed_json'],
      ['a wrong type', { raw: '{"given_name":42}', contentType: 'application/json' }, 400, 'profile.validation_failed'],
    ];
    for (const [name, body, status, code] of cases) {
      it(`PATCH with ${name} → ${status} ${code}, problem+json, profile unchanged`, async () => {
        const res = await server.request('PATCH', '/v1/me/profile', { token: user.token, ...body });
        assert.equal(res.status, status, res.text);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.body.code, code);
        noInternals(res.text);
        assert.deepEqual((await server.request('GET', '/v1/me/profile', { token: user.token })).body, before_);
      });
    }

    it('an unknown route → 404 problem+json, under /v1 and at the root', async () => {
      for (const path of ['/v1/nope', '/nope']) {
        const res = await server.request('GET', path);
        assert.equal(res.status, 404);
        assert.equal(res.body.code, 'request.not_found');
        assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
      }
    });

    it('security headers on every answer; no x-powered-by; a request id that is echoed only when it looks like one', async () => {
      const res = await server.request('GET', '/v1/me/profile', { token: user.token, headers: { 'x-request-id': 'abc-123' } });
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.doesNotMatch(res.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/, 'plain-HTTP deployments must not be upgraded');
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('x-powered-by'), null);
      assert.equal(res.headers.get('x-request-id'), 'abc-123');
      const odd = await server.request('GET', '/healthz', { headers: { 'x-request-id': 'has spaces and <tags>' } });
      assert.match(odd.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    });

    it('/healthz, /readyz and /metrics', async () => {
      assert.deepEqual((await server.request('GET', '/healthz')).body, { status: 'ok' });
      assert.deepEqual((await server.request('GET', '/readyz')).body, { status: 'ready', database: backend.name });
      const metrics = await server.request('GET', '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.text, /http_requests_total\{method="GET",route="\/v1\/me\/profile",status_code="200"\} \d+/);
      assert.match(metrics.text, /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/me\/profile",status_code="200"\}/);
    });

    it('/openapi.json (OpenAPI 3.1) documents every route the server registered; /docs renders it', async () => {
      const doc = (await server.request('GET', '/openapi.json')).body;
      assert.equal(doc.openapi, '3.1.0');
      const documented = new Set<string>();
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
      const missing = server.app.routes
        .filter((r) => !r.hidden && r.method !== 'HEAD' && !r.url.startsWith('/docs'))
        .map((r) => `${r.method} ${r.url.replace(/::/g, '\u0000').replace(/:([A-Za-z]+)(\([^)]*\))?/g, '{$1}').replace(/\u0000/g, ':')}`)
        .filter((r) => !documented.has(r));
      assert.deepEqual(missing, []);
      assert.ok(server.app.routes.length > 15);
      const patch = doc.paths['/v1/me/profile'].patch.requestBody.content['application/json'].schema;
      assert.ok(patch.properties.given_name, 'the PATCH body schema comes from the registry');
      assert.ok(!JSON.stringify(doc).includes('x-validated-by'));
      const ui = await fetch(`${server.url}/docs/`, { redirect: 'follow' });
      assert.equal(ui.status, 200);
      assert.match(await ui.text(), /<html/i);
    });
  });
}
