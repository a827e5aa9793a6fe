import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registry } from '@profiled/core';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { protectedFields, surfaces } from './surfaces.ts';

/**
 * OWASP API3:2023 Broken Object Property Level Authorization: no read-only, computed or
 * admin-only field can be set through any self-service surface (refused, or ignored where
 * the contract is DRF's), and the directory shows no private field.
 */
const bogus = (type: string): unknown => (type === 'boolean' ? true : type === 'integer' || type === 'number' ? 999 : type === 'string_list' || type === 'id_list' ? [] : 'forged');

for (const backend of backends) {
  describe(`API3 object property level authorization (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    for (const surface of surfaces) {
      it(`${surface.name}: every protected field is ${surface.readOnly} and never applied`, async () => {
        let tried = 0;
        for (const def of protectedFields) {
          const body = surface.body(def.name, bogus(def.type));
          if (!body) continue;
          tried++;
          const before = (await server.request('GET', '/v1/me/profile', { token: user.token })).body;
          const res = await server.request(surface.write.method, surface.write.path, { token: user.token, body });
          if (surface.readOnly === 'refused') assert.equal(res.status, 400, `${surface.name} ${def.name}: ${res.status}`);
          else assert.ok(res.status === 200 || res.status === 400, `${surface.name} ${def.name}: ${res.status}`);
          const after = (await server.request('GET', '/v1/me/profile', { token: user.token })).body;
          assert.deepEqual(after[def.name], before[def.name], `${surface.name} applied ${def.name}`);
          assert.equal(after.version, before.version, `${surface.name} changed the profile through ${def.name}`);
        }
        assert.ok(tried >= surface.minProtected, `${surface.name} exposes too few protected fields to be tested (${tried})`);
      });
    }

    it('the directory shows public fields only', async () => {
      const other = await server.createUser();
      await server.request('PATCH', '/v1/me/profile', { token: other.token, body: { is_public: true, mobile_phone: '+44 20 7946 0958', city: 'Secretville', tax_id: 'DE123', date_of_birth: '1990-01-01' } });
      const res = await server.request('GET', `/v1/directory/${other.profileId}`, { token: user.token });
      const allowed = new Set([...registry.filter((f) => f.public).map((f) => f.name), 'summary_html']);
      assert.deepEqual(Object.keys(res.body).filter((k) => !allowed.has(k)), []);
      assert.doesNotMatch(res.text, /Secretville|7946|DE123|1990-01-01/);
    });
  });
}
