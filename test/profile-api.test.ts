import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from './support/backends.ts';
import { startServer, type TestServer, type TestUser } from './support/server.ts';

for (const backend of backends) {
  describe(`native profile API (${backend.name})`, () => {
    let server: TestServer;
    let ada: TestUser;
    before(async () => {
      server = await startServer(backend);
      ada = await server.createUser({ displayName: 'Ada Lovelace' });
    });
    after(() => server.close());

    const get = (user = ada) => server.request('GET', '/v1/me/profile', { token: user.token });
    const patch = (body: unknown, opts: { user?: TestUser; headers?: Record<string, string>; contentType?: string } = {}) =>
      server.request('PATCH', '/v1/me/profile', { token: (opts.user ?? ada).token, body, contentType: opts.contentType ?? 'application/merge-patch+json', ...(opts.headers ? { headers: opts.headers } : {}) });

    it('GET answers every readable registry field, the version as a strong ETag, and no secret', async () => {
      const res = await get();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('etag'), `"${res.body.version}"`);
      assert.equal(res.body.display_name, 'Ada Lovelace');
      assert.equal(res.body.email, ada.email);
      assert.equal(res.body.gender, 'unspecified');
      assert.deepEqual(res.body.tags, []);
      assert.equal(res.body.followers_count, 0);
      assert.equal(res.body.is_current_user, true);
      for (const secret of ['password', 'password_hash', 'key_hash', 'token_hash']) assert.ok(!(secret in res.body), `${secret} must not leave the server`);
      assert.ok(!/argon2|\$argon/i.test(res.text));
    });

    it('If-None-Match with the current ETag → 304', async () => {
      const first = await get();
      const res = await server.request('GET', '/v1/me/profile', { token: ada.token, headers: { 'if-none-match': first.headers.get('etag')! } });
      assert.equal(res.status, 304);
    });

    it('PATCH changes the named fields only; omitted fields are left unchanged', async () => {
      const before = (await get()).body;
      const res = await patch({ given_name: 'Ada', position: 'Analyst', tags: ['math', 'Math', ' engines '] });
      assert.equal(res.status, 200);
      assert.equal(res.body.given_name, 'Ada');
      assert.equal(res.body.position, 'Analyst');
      assert.deepEqual(res.body.tags, ['math', 'engines']);
      assert.equal(res.body.version, before.version + 1);
      assert.equal(res.headers.get('etag'), `"${before.version + 1}"`);
      for (const key of Object.keys(before)) {
        if (['given_name', 'position', 'tags', 'version', 'updated_at'].includes(key)) continue;
        assert.deepEqual(res.body[key], before[key], `${key} must be unchanged`);
      }
    });

    it('application/json is accepted as well as application/merge-patch+json', async () => {
      const res = await patch({ family_name: 'Lovelace' }, { contentType: 'application/json' });
      assert.equal(res.status, 200);
      assert.equal(res.body.family_name, 'Lovelace');
    });

    it('null clears a nullable field', async () => {
      assert.equal((await patch({ nickname: 'Countess' })).body.nickname, 'Countess');
      const res = await patch({ nickname: null });
      assert.equal(res.status, 200);
      assert.equal(res.body.nickname, null);
    });

    it('null on a non-nullable field → 400 profile.field_not_nullable, nothing changed', async () => {
      const before = (await get()).body;
      const res = await patch({ given_name: null, nickname: 'kept?' });
      assert.equal(res.status, 400);
      assert.match(res.headers.get('content-type')!, /^application\/problem\+json/);
      assert.equal(res.body.code, 'profile.validation_failed');
      assert.deepEqual(res.body.errors, [{ pointer: '/given_name', code: 'profile.field_not_nullable', message: 'The field "given_name" may not be null.' }]);
      assert.deepEqual((await get()).body, before, 'a rejected request is applied not at all');
    });

    it('every rule class answers 400 with one entry per offending field', async () => {
      const res = await patch({
        bogus: 1,
        kind: 'admin',
        followers_count: 9,
        display_name: 'x'.repeat(201),
        gender: 'robot',
        date_of_birth: '2999-01-01',
        country: 'ZZ',
        website: 'javascript:alert(1)',
        billing_email: 'nope',
        preferred_language: '!!',
        is_public: 'true',
        tags: Array.from({ length: 60 }, (_, i) => `t${i}`),
      });
      assert.equal(res.status, 400);
      const byPointer = Object.fromEntries(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]));
      assert.deepEqual(byPointer, {
        '/bogus': 'profile.field_unknown',
        '/kind': 'profile.field_not_writable',
        '/followers_count': 'profile.field_not_writable',
        '/display_name': 'profile.too_long',
        '/gender': 'profile.invalid_choice',
        '/date_of_birth': 'profile.date_not_past',
        '/country': 'profile.invalid_country',
        '/website': 'profile.invalid_url',
        '/billing_email': 'profile.invalid_email',
        '/preferred_language': 'profile.invalid_language',
        '/is_public': 'profile.invalid_type',
        '/tags': 'profile.too_many_items',
      });
    });

    it('JSON fields merge per RFC 7396 under merge-patch', async () => {
      await patch({ company_info: { name: 'Analytical Engines', size: 3, address: { city: 'London' } } });
      const res = await patch({ company_info: { size: null, address: { street: 'St James Sq' } } });
      assert.deepEqual(res.body.company_info, { name: 'Analytical Engines', address: { city: 'London', street: 'St James Sq' } });
    });

    it('a request that changes nothing keeps the version and adds no event', async () => {
      const before = (await get()).body;
      const res = await patch({ given_name: before.given_name });
      assert.equal(res.status, 200);
      assert.equal(res.body.version, before.version);
      const history = await server.request('GET', '/v1/me/history?limit=1', { token: ada.token });
      assert.equal(history.body.events[0].version, before.version);
    });

    it('If-Match with the current ETag applies; a stale one → 412 and nothing changes', async () => {
      const current = await get();
      const ok = await patch({ city: 'London' }, { headers: { 'if-match': current.headers.get('etag')! } });
      assert.equal(ok.status, 200);
      const stale = await patch({ city: 'Paris' }, { headers: { 'if-match': current.headers.get('etag')! } });
      assert.equal(stale.status, 412);
      assert.equal(stale.body.code, 'profile.version_conflict');
      const after = await get();
      assert.equal(after.body.city, 'London');
      assert.equal(after.body.version, ok.body.version);
      const weak = await patch({ city: 'Bath' }, { headers: { 'if-match': `W/"${ok.body.version}"` } });
      assert.equal(weak.status, 200);
      const malformed = await patch({ city: 'Rome' }, { headers: { 'if-match': 'banana' } });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.code, 'request.precondition_malformed');
    });

    it('20 concurrent PATCHes to 20 different fields all land: 20 distinct versions, 20 events', async () => {
      const user = await server.createUser();
      const start = (await get(user)).body.version as number;
      const fields = ['given_name', 'family_name', 'display_name', 'nickname', 'street', 'post_code', 'city', 'state', 'billing_name', 'billing_street', 'billing_post_code', 'billing_city', 'billing_state', 'tax_id', 'position', 'company_name', 'business_area', 'member_type', 'title_of_nothing', 'summary'];
      fields[18] = 'skype';
      const results = await Promise.all(fields.map((f, i) => patch({ [f]: f === 'skype' ? `handle${i}` : `value-${i}` }, { user })));
      assert.deepEqual(results.map((r) => r.status), fields.map(() => 200));
      const versions = results.map((r) => r.body.version as number).sort((a, b) => a - b);
      assert.deepEqual(versions, fields.map((_, i) => start + i + 1));
      const final = (await get(user)).body;
      assert.equal(final.version, start + 20);
      fields.forEach((f, i) => assert.equal(final[f], f === 'skype' ? `handle${i}` : `value-${i}`, `${f} must have landed`));
      const history = await server.request('GET', '/v1/me/history?limit=100', { token: user.token });
      const updates = history.body.events.filter((e: { kind: string }) => e.kind === 'profile.updated');
      assert.equal(updates.length, 20);
      assert.deepEqual(new Set(updates.flatMap((e: { changes: { field: string }[] }) => e.changes.map((c) => c.field))), new Set(fields));
    });

    it('history is paginated newest first and records old and new values', async () => {
      const user = await server.createUser();
      for (const city of ['A', 'B', 'C', 'D', 'E']) await patch({ city }, { user });
      const page1 = await server.request('GET', '/v1/me/history?limit=2', { token: user.token });
      assert.equal(page1.status, 200);
      assert.deepEqual(page1.body.events.map((e: { version: number }) => e.version), [6, 5]);
      assert.deepEqual(page1.body.events[0].changes, [{ field: 'city', old: 'D', new: 'E' }]);
      assert.equal(page1.body.events[0].actor_id, user.id);
      const page2 = await server.request('GET', page1.body.next, { token: user.token });
      assert.deepEqual(page2.body.events.map((e: { version: number }) => e.version), [4, 3]);
      const page3 = await server.request('GET', page2.body.next, { token: user.token });
      assert.deepEqual(page3.body.events.map((e: { version: number; kind: string }) => [e.version, e.kind]), [[2, 'profile.updated'], [1, 'profile.created']]);
      assert.equal(page3.body.next, null);
      const bad = await server.request('GET', '/v1/me/history?limit=0', { token: user.token });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'request.invalid_parameter');
    });

    it('GET /v1/me/profiles lists the account\'s profile, marked active', async () => {
      const res = await server.request('GET', '/v1/me/profiles', { token: ada.token });
      assert.equal(res.status, 200);
      assert.equal(res.body.profiles.length, 1);
      assert.equal(res.body.profiles[0].id, ada.profileId);
      assert.equal(res.body.profiles[0].org_slug, 'default');
      assert.equal(res.body.profiles[0].active, true);
    });

    it('username and email changes are checked for uniqueness, case-insensitively', async () => {
      const other = await server.createUser();
      const res = await patch({ username: other.username.toUpperCase(), email: other.email.toUpperCase() });
      assert.equal(res.status, 400);
      const codes = res.body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`);
      assert.deepEqual(codes.sort(), ['/email account.email_taken', '/username account.username_taken']);
      const ok = await patch({ username: `ada-${Date.now()}` });
      assert.equal(ok.status, 200);
      const relogin = await server.login(ok.body.username, ada.password);
      assert.ok(relogin.access_token);
    });
  });
}

for (const backend of backends) {
  describe(`usernames and emails share one sign-in namespace (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('a username equal to another account\'s email (or the reverse) is refused, so a login name is never ambiguous', async () => {
      const a = await server.createUser();
      const b = await server.createUser();
      const res = await server.request('PATCH', '/v1/me/profile', { token: b.token, body: { username: a.email } });
      assert.equal(res.status, 400);
      assert.equal(res.body.errors[0].code, 'account.username_taken');
      const rev = await server.request('PATCH', '/v1/me/profile', { token: b.token, body: { email: a.username + '@example.net' } });
      assert.equal(rev.status, 200, 'an unrelated address is fine');
      const clash = await server.request('PATCH', '/v1/me/profile', { token: a.token, body: { username: rev.body.email } });
      assert.equal(clash.body.errors[0].code, 'account.username_taken');
    });
  });
}

for (const backend of backends) {
  describe(`?access_token= works on every protected endpoint (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    for (const [method, path] of [['GET', '/v1/me/profile'], ['GET', '/v1/me/profiles'], ['GET', '/v1/me/history?limit=5'], ['PATCH', '/v1/me/profile']] as const) {
      it(`${method} ${path} with the token in the query → 2xx, and the token never reaches the log`, async () => {
        const sep = path.includes('?') ? '&' : '?';
        const res = await server.request(method, `${path}${sep}access_token=${user.token}`, method === 'PATCH' ? { body: { city: 'Query Town' } } : {});
        assert.equal(res.status, 200, res.text);
        assert.ok(!server.logs.some((l) => l.includes(user.token.split('.')[2]!)), 'token signature found in logs');
      });
    }
  });
}

for (const backend of backends) {
  describe(`derived fields (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      // The derivation itself, on numbers applied as written, the default (opt-in verification: test/lifecycle/verified-phone.test.ts).
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('the E.164 form of a phone follows the number and the profile country; it cannot be written', async () => {
      let res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { mobile_phone: '030 901820', country: 'DE' } });
      assert.equal(res.body.mobile_phone_e164, '+4930901820');
      res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { country: 'GB', mobile_phone: '07911 123456' } });
      assert.equal(res.body.mobile_phone_e164, '+447911123456');
      res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { mobile_phone: '123' } });
      assert.equal(res.body.mobile_phone_e164, null, 'an unparseable number has no E.164 form');
      res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { landline: '+44 12345' } });
      assert.equal(res.body.landline_e164, null, 'too short to be a valid number');
      res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { landline: '+1 (415) 253-0000' } });
      assert.equal(res.body.landline_e164, '+14152530000');
      const refused = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { mobile_phone_e164: '+4930901820' } });
      assert.equal(refused.body.errors[0].code, 'profile.field_not_writable');
    });
  });
}
