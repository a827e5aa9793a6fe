import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { field, registry } from '@profiled/core';
import { backends } from './support/backends.ts';
import { startServer, type TestServer, type TestUser } from './support/server.ts';

/**
 * The registry is the single source of truth: a field added to a copy of it is validated,
 * stored and documented with no other edit — no migration, no route, no schema by hand.
 */
const extended = [
  ...registry,
  field({ name: 'favourite_colour', section: 'personal', type: 'string', maxLength: 20, nullable: true, public: true, description: 'A favourite colour.' }),
  field({ name: 'shoe_size', section: 'personal', type: 'integer', minimum: 1, maximum: 60, default: 40, description: 'Shoe size (EU).' }),
];

for (const backend of backends) {
  describe(`a field added to the registry (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend, { registry: extended });
      user = await server.createUser();
    });
    after(() => server.close());

    it('is stored: a column appears at start-up, new profiles get its default, PATCH → GET round-trips', async () => {
      const fresh = await server.request('GET', '/v1/me/profile', { token: user.token });
      assert.equal(fresh.body.favourite_colour, null);
      assert.equal(fresh.body.shoe_size, 40);
      const res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { favourite_colour: 'teal', shoe_size: 38 } });
      assert.equal(res.status, 200);
      const read = await server.request('GET', '/v1/me/profile', { token: user.token });
      assert.equal(read.body.favourite_colour, 'teal');
      assert.equal(read.body.shoe_size, 38);
    });

    it('is validated by its declared rules', async () => {
      const res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { favourite_colour: 'x'.repeat(21), shoe_size: 61 } });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`), ['/favourite_colour profile.too_long', '/shoe_size profile.out_of_range']);
    });

    it('is recorded in the history like any field', async () => {
      const history = await server.request('GET', '/v1/me/history?limit=1', { token: user.token });
      assert.deepEqual(history.body.events[0].changes, [
        { field: 'favourite_colour', old: null, new: 'teal' },
        { field: 'shoe_size', old: 40, new: 38 },
      ]);
    });

    it('is documented: in the OpenAPI request and response schemas and in the form metadata', async () => {
      const doc = (await server.request('GET', '/openapi.json')).body;
      const op = doc.paths['/v1/me/profile'].patch;
      const body = op.requestBody.content['application/json'].schema;
      assert.deepEqual(body.properties.favourite_colour, { type: ['string', 'null'], maxLength: 20, description: 'A favourite colour.' });
      assert.equal(body.properties.shoe_size.maximum, 60);
      const ok = op.responses['200'].content['application/json'].schema;
      assert.ok(ok.properties.favourite_colour);
      const meta = (await server.request('GET', '/v1/profile-schema')).body;
      const colour = meta.fields.find((f: { name: string }) => f.name === 'favourite_colour');
      assert.deepEqual({ label: colour.label, section: colour.section, maxLength: colour.maxLength, writable: colour.writable }, { label: 'Favourite colour', section: 'personal', maxLength: 20, writable: true });
      assert.ok(meta.sections.find((s: { name: string }) => s.name === 'personal').fields.includes('favourite_colour'));
    });

    it('a server on the shipped registry still runs on the extended database (additive only)', async () => {
      const plain = await startServer(backend, { databaseUrl: server.databaseUrl });
      try {
        const tokens = await plain.login(user.username, user.password);
        const res = await plain.request('GET', '/v1/me/profile', { token: tokens.access_token });
        assert.equal(res.status, 200);
        assert.equal('favourite_colour' in res.body, false);
        const unknown = await plain.request('PATCH', '/v1/me/profile', { token: tokens.access_token, body: { favourite_colour: 'red' } });
        assert.equal(unknown.status, 400);
        assert.equal(unknown.body.errors[0].code, 'profile.field_unknown');
      } finally {
        await plain.close();
      }
    });
  });
}
