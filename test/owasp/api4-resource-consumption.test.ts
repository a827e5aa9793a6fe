import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqlite } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { surfaces } from './surfaces.ts';

/**
 * OWASP API4:2023 Unrestricted Resource Consumption: bodies, strings, lists, JSON depth and
 * page sizes are bounded on every surface; sign-in is rate limited.
 */
describe('API4 unrestricted resource consumption', () => {
  let server: TestServer;
  let user: TestUser;
  before(async () => {
    server = await startServer(sqlite, { config: { loginMaxFailuresPerAccount: 3 } });
    user = await server.createUser();
  });
  after(() => server.close());

  for (const surface of surfaces) {
    it(`${surface.name}: a body over 64 KiB → ${surface.tooLarge} and nothing stored`, async () => {
      const before = (await server.request('GET', '/v1/me/profile', { token: user.token })).body;
      const res = await server.request(surface.write.method, surface.write.path, { token: user.token, raw: JSON.stringify({ x: 'y'.repeat(65 * 1024) }), contentType: 'application/json' });
      assert.equal(res.status, surface.tooLarge);
      assert.deepEqual((await server.request('GET', '/v1/me/profile', { token: user.token })).body, before);
    });
  }

  it('strings, lists and JSON depth are bounded by the registry', async () => {
    const deep = JSON.parse(`${'{"a":'.repeat(20)}1${'}'.repeat(20)}`);
    const res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { summary: 'x'.repeat(10_001), tags: Array.from({ length: 51 }, (_, i) => `t${i}`), company_info: deep } });
    assert.deepEqual(res.body.errors.map((e: { code: string }) => e.code).sort(), ['profile.json_too_large', 'profile.too_long', 'profile.too_many_items']);
  });

  it('pages are bounded: limit above 100 is refused', async () => {
    for (const path of ['/v1/me/history?limit=1000', '/v1/directory?limit=1000']) {
      const res = await server.request('GET', path, { token: user.token });
      assert.equal(res.status, 400, path);
    }
  });

  it('sign-in attempts are rate limited (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await server.request('POST', '/oauth/token', { body: { grant_type: 'password', username: user.username, password: `wrong-${i}-Password` } });
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers.get('retry-after')) > 0);
    }
    assert.deepEqual(statuses, [400, 400, 400, 429]);
  });
});
