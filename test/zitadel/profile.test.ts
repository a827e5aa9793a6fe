import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

const PATH = '/auth/v1/users/me/profile';
const minnie = { firstName: 'Minnie', lastName: 'Mouse', nickName: 'Minnie', displayName: 'Minnie Mouse', preferredLanguage: 'en', gender: 'GENDER_UNSPECIFIED' };

for (const backend of backends) {
  describe(`ZITADEL auth API v1: my profile (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    const put = (body: unknown, u = user) => server.request('PUT', PATH, { token: u.token, body });
    const native = async (u = user) => (await server.request('GET', '/v1/me/profile', { token: u.token })).body;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('PUT with the seed\'s example → 200 {details: {sequence, changeDate, resourceOwner}} and the native profile shows it', async () => {
      const res = await put(minnie);
      assert.equal(res.status, 200, res.text);
      const n = await native();
      assert.deepEqual(Object.keys(res.body), ['details']);
      assert.deepEqual(res.body.details, { sequence: String(n.version), changeDate: n.updated_at, resourceOwner: n.org_id });
      assert.deepEqual([n.given_name, n.family_name, n.nickname, n.display_name, n.preferred_language, n.gender], ['Minnie', 'Mouse', 'Minnie', 'Minnie Mouse', 'en', 'unspecified']);
    });

    it('GET answers the profile in ZITADEL\'s names with its details', async () => {
      await put({ ...minnie, gender: 'GENDER_FEMALE' });
      const res = await server.request('GET', PATH, { token: user.token });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.profile, { ...minnie, gender: 'GENDER_FEMALE' });
      assert.deepEqual(Object.keys(res.body.details), ['sequence', 'creationDate', 'changeDate', 'resourceOwner']);
    });

    it('names changed elsewhere are seen here and the reverse (native given_name ⇄ firstName)', async () => {
      await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { given_name: 'Daisy', family_name: 'Duck' } });
      const z = (await server.request('GET', PATH, { token: user.token })).body.profile;
      assert.deepEqual([z.firstName, z.lastName], ['Daisy', 'Duck']);
    });

    it('required names missing, empty or too long → 400 code 3 naming the field; nothing changed', async () => {
      const before = await native();
      for (const [body, field] of [
        [{ ...minnie, firstName: undefined }, 'firstName'],
        [{ ...minnie, lastName: '' }, 'lastName'],
        [{ ...minnie, displayName: 'x'.repeat(201) }, 'displayName'],
        [{ ...minnie, nickName: '' }, 'nickName'],
        [{ ...minnie, preferredLanguage: 'not a tag!' }, 'preferredLanguage'],
        [{ ...minnie, preferredLanguage: 'de-DE-1996-x' }, 'preferredLanguage'],
        [{ ...minnie, gender: 'GENDER_ROBOT' }, 'gender'],
        [{ ...minnie, displayName: 42 }, 'displayName'],
        [{ ...minnie, email: 'x@example.com' }, 'email'],
      ] as const) {
        const res = await put(body);
        assert.equal(res.status, 400, `${field}: ${res.text}`);
        assert.equal(res.body.code, 3);
        assert.match(res.body.message, new RegExp(`^${field}: |; ${field}: `));
        assert.deepEqual(res.body.details, []);
      }
      assert.deepEqual(await native(), before);
    });

    it('omitted optional fields follow proto3: nickName and preferredLanguage clear, gender becomes unspecified', async () => {
      await put({ ...minnie, gender: 'GENDER_MALE' });
      const res = await put({ firstName: 'Mickey', lastName: 'Mouse', displayName: 'Mickey Mouse' });
      assert.equal(res.status, 200);
      const n = await native();
      assert.deepEqual([n.nickname, n.preferred_language, n.gender], [null, null, 'unspecified']);
    });

    it('a PUT that changes nothing → 400 code 9 "Profile not changed"', async () => {
      await put(minnie);
      const res = await put(minnie);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { code: 9, message: 'Profile not changed (COMMAND-2M0fs)', details: [] });
    });

    it('sequence strictly increases under 20 concurrent PUTs', async () => {
      const u = await server.createUser();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => put({ ...minnie, displayName: `Minnie ${i}` }, u)));
      assert.deepEqual(results.map((r) => r.status), results.map(() => 200));
      const sequences = results.map((r) => Number(r.body.details.sequence)).sort((a, b) => a - b);
      assert.equal(new Set(sequences).size, 20);
      assert.deepEqual(sequences, Array.from({ length: 20 }, (_, i) => sequences[0]! + i));
    });

    it('errors in gRPC-gateway form: 401 code 16, 403 code 7 for API keys, malformed JSON 400 code 3, a 70 KiB body 413 code 8 (RESOURCE_EXHAUSTED)', async () => {
      const none = await server.request('GET', PATH);
      assert.deepEqual([none.status, none.body.code], [401, 16]);
      const svc = await server.app.services.accounts.createAccount({ username: `svc-z-${Date.now()}`, kind: 'service' });
      const { key } = await server.app.services.accounts.createApiKey(svc.id);
      const denied = await server.request('PUT', PATH, { token: key, body: minnie });
      assert.deepEqual([denied.status, denied.body.code], [403, 7]);
      const before = await native();
      for (const [raw, status, code] of [['{"firstName":', 400, 3], [JSON.stringify({ ...minnie, displayName: 'x'.repeat(70 * 1024) }), 413, 8]] as const) {
        const res = await server.request('PUT', PATH, { token: user.token, raw, contentType: 'application/json' });
        assert.deepEqual([res.status, res.body.code], [status, code]);
      }
      const text = await server.request('PUT', PATH, { token: user.token, raw: 'x', contentType: 'text/plain' });
      assert.deepEqual([text.status, text.body.code], [400, 3]);
      assert.deepEqual(await native(), before);
    });
  });
}
