import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

const PATH = '/api/workspace/account/profile';

for (const backend of backends) {
  describe(`workspace account profile (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    const put = (body: unknown, u = user) => server.request('PUT', PATH, { token: u.token, body });
    const native = async (u = user) => (await server.request('GET', '/v1/me/profile', { token: u.token })).body;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('GET and PUT answer {Data, Errors: [], Warnings: [], Success: true}; UserType 0 for a person', async () => {
      const res = await put({ FirstName: 'Ada', LastName: 'Lovelace' });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { Data: { UserId: user.id, UserName: user.username, Email: user.email, FirstName: 'Ada', LastName: 'Lovelace', UserType: 0 }, Errors: [], Warnings: [], Success: true });
      const read = await server.request('GET', PATH, { token: user.token });
      assert.deepEqual(read.body, res.body);
      const n = await native();
      assert.deepEqual([n.given_name, n.family_name], ['Ada', 'Lovelace']);
    });

    it('omitted fields are unchanged; null clears the names; UserName and a person\'s Email cannot be cleared', async () => {
      await put({ FirstName: 'Ada', LastName: 'Lovelace' });
      assert.equal((await put({ LastName: 'King' })).body.Data.FirstName, 'Ada');
      const cleared = await put({ FirstName: null });
      assert.equal(cleared.body.Data.FirstName, '');
      const refused = await put({ UserName: null, Email: null });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.Success, false);
      assert.deepEqual(refused.body.Errors.map((e: { Code: string; Field: string }) => [e.Code, e.Field]).sort(), [['email.required', 'Email'], ['username.required', 'UserName']]);
      assert.equal(refused.body.Data.UserName, user.username, 'Data is the profile as stored');
    });

    it('validation and uniqueness codes are stable machine codes naming the wire field; nothing changes', async () => {
      const other = await server.createUser();
      const before = await native();
      const res = await put({ Email: 'not-an-email', FirstName: 'x'.repeat(201) });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.Errors.map((e: { Code: string }) => e.Code).sort(), ['email.invalid', 'firstname.too_long']);
      const name = await put({ UserName: other.username.toUpperCase() });
      assert.deepEqual(name.body.Errors.map((e: { Code: string }) => e.Code), ['username.taken']);
      for (const e of res.body.Errors) assert.deepEqual([typeof e.Message, e.Type, e.Severity, e.Target === e.Field], ['string', 0, 0, true]);
      assert.deepEqual(await native(), before);
      const taken = await put({ Email: other.email });
      assert.deepEqual(taken.body.Errors.map((e: { Code: string }) => e.Code), ['email.taken']);
    });

    it('changing the email succeeds with a warning that it is not verified yet', async () => {
      const res = await put({ Email: `new-${Date.now()}@example.com` });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.Warnings.map((w: { Code: string; Severity: number }) => [w.Code, w.Severity]), [['email.unverified', 1]]);
    });

    it('UserId and UserType are read-only; unknown fields are refused', async () => {
      const res = await put({ UserType: 2, UserId: 'x', Nope: 1 });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.Errors.map((e: { Code: string }) => e.Code).sort(), ['nope.unknown', 'userid.read_only', 'usertype.read_only']);
      assert.equal((await native()).kind, 'human');
    });

    it('?access_token= works and never reaches the log', async () => {
      const res = await server.request('GET', `${PATH}?access_token=${user.token}`);
      assert.equal(res.status, 200);
      assert.ok(!server.logs.some((l) => l.includes(user.token.split('.')[2]!)));
    });

    it('an API key → 403 as an RFC 7807 problem; no token → 401 in the envelope; bad bodies → 4xx, nothing changed', async () => {
      const svc = await server.app.services.accounts.createAccount({ username: `svc-w-${Date.now()}`, kind: 'service' });
      const { key } = await server.app.services.accounts.createApiKey(svc.id);
      const denied = await server.request('PUT', PATH, { token: key, body: { FirstName: 'Robot' } });
      assert.equal(denied.status, 403);
      assert.match(denied.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.deepEqual(Object.keys(denied.body).sort(), ['detail', 'instance', 'status', 'title', 'type']);
      const none = await server.request('GET', PATH);
      assert.equal(none.status, 401);
      assert.deepEqual([none.body.Success, none.body.Data, none.body.Errors[0].Code], [false, null, 'auth.unauthenticated']);
      const before = await native();
      for (const [raw, ct, status] of [['{"FirstName":', 'application/json', 400], [JSON.stringify({ FirstName: 'x'.repeat(70 * 1024) }), 'application/json', 413], ['x', 'text/plain', 415], ['{"FirstName": 5}', 'application/json', 400]] as const) {
        const res = await server.request('PUT', PATH, { token: user.token, raw, contentType: ct });
        assert.equal(res.status, status, raw.slice(0, 20));
        assert.equal(res.body.Success, false);
      }
      assert.deepEqual(await native(), before);
    });

    it('FirstName ⇄ ZITADEL firstName ⇄ native given_name', async () => {
      await put({ FirstName: 'Katherine', LastName: 'Johnson' });
      const z = (await server.request('GET', '/auth/v1/users/me/profile', { token: user.token })).body.profile;
      assert.deepEqual([z.firstName, z.lastName], ['Katherine', 'Johnson']);
      await server.request('PUT', '/auth/v1/users/me/profile', { token: user.token, body: { firstName: 'Kathy', lastName: 'Johnson', displayName: 'Kathy J' } });
      assert.equal((await server.request('GET', PATH, { token: user.token })).body.Data.FirstName, 'Kathy');
    });
  });
}
