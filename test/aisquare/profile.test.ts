import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { aisquare, PROFILE } from './support/aisquare.ts';
import { sdkExampleBody } from './support/seed.ts';

for (const backend of backends) {
  describe(`AISquare GET/PATCH ${PROFILE} (${backend.name})`, () => {
    let server: TestServer;
    let api: ReturnType<typeof aisquare>;
    before(async () => {
      // Phones round-trip as written, the default (their opt-in verification: test/lifecycle/verified-phone.test.ts).
      server = await startServer(backend);
      api = aisquare(server);
    });
    after(() => server.close());

    it('GET answers an IAMUserDetailView: user_id is the account id, created_at the account\'s creation, the viewer is the current user', async () => {
      const ada = await server.createUser({ displayName: 'Ada Lovelace' });
      const res = await api.get(ada);
      assert.equal(res.status, 200);
      const account = await server.app.storage.repos.findAccount(ada.id);
      assert.equal(res.body.user_id, ada.id);
      assert.equal(res.body.created_at, account!.created_at);
      assert.equal(res.body.full_name, 'Ada Lovelace');
      assert.equal(res.body.email, ada.email);
      assert.equal(res.body.username, ada.username);
      assert.equal(res.body.is_current_user, true);
      assert.deepEqual([res.body.followers_count, res.body.following_count, res.body.is_following, res.body.is_followed_back], [0, 0, false, false]);
    });

    it('an unset optional value reads as "" (never null where the view declares a string); unset additional_data as {}', async () => {
      const res = await api.get(await server.createUser());
      for (const wire of ['profile_picture', 'bio', 'address', 'country', 'phone', 'dob', 'linkedin_url', 'website_url', 'resume']) assert.equal(res.body[wire], '', wire);
      assert.deepEqual(res.body.additional_data, {});
      assert.equal(res.body.company_info, null);
    });

    it('the seed\'s own SDK example, sent byte for byte, is applied: "USA" becomes US, focus-area names become tags with ids', async () => {
      const user = await server.createUser();
      const res = await api.patch(user, undefined, { raw: sdkExampleBody() });
      assert.equal(res.status, 200);
      const b = res.body;
      assert.deepEqual(
        [b.full_name, b.username, b.user_type, b.bio, b.country, b.linkedin_url, b.github_url, b.twitter_url, b.website_url, b.platform_features_emails, b.activity_based_emails],
        ['John Doe', 'johndoe', 'developer', 'Software developer passionate about AI and open source projects', 'US', 'https://linkedin.com/in/johndoe', 'https://github.com/johndoe', 'https://twitter.com/johndoe', 'https://johndoe.com', true, false],
      );
      assert.deepEqual(b.focus_area_data, [{ name: 'Machine Learning' }, { name: 'Python' }, { name: 'Web Development' }]);
      assert.equal(b.focus_area.length, 3);
      assert.ok(b.focus_area.every((id: unknown) => Number.isInteger(id)));
      assert.deepEqual((await api.get(user)).body.focus_area, b.focus_area, 'tag ids are stable across reads');
      const native = await api.native(user);
      assert.deepEqual([native['display_name'], native['country'], native['tags']], ['John Doe', 'US', ['Machine Learning', 'Python', 'Web Development']]);
    });

    it('PATCH is partial: omitted properties, top-level and nested, stay as they were', async () => {
      const user = await server.createUser({ displayName: 'Kept Name' });
      await api.patch(user, { details: { bio: 'first', phone: '+44 20 7946 0958' } });
      const res = await api.patch(user, { details: { bio: 'second' } });
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.full_name, res.body.bio, res.body.phone], ['Kept Name', 'second', '+44 20 7946 0958']);
    });

    it('an empty body, {} or a body without content changes nothing and appends no version', async () => {
      const user = await server.createUser();
      const version = (await api.native(user))['version'];
      for (const opts of [{ raw: '{}' }, { raw: '' , contentType: 'application/json' }, { raw: '{"details": {}}' }]) {
        const res = await api.patch(user, undefined, opts);
        assert.equal(res.status, 200, JSON.stringify(opts));
      }
      assert.equal((await server.request('PATCH', PROFILE, { token: user.token })).status, 200);
      assert.equal((await api.native(user))['version'], version);
    });

    it('address: a string reads back as that string; an object as its four parts; null clears', async () => {
      const user = await server.createUser();
      assert.equal((await api.patch(user, { details: { address: '12 Downing Street' } })).body.address, '12 Downing Street');
      const res = await api.patch(user, { details: { address: { street: '1 Infinite Loop', city: 'Cupertino', state: 'CA', post_code: '95014' } } });
      assert.deepEqual(res.body.address, { street: '1 Infinite Loop', post_code: '95014', city: 'Cupertino', state: 'CA' });
      const native = await api.native(user);
      assert.deepEqual([native['street'], native['post_code'], native['city'], native['state']], ['1 Infinite Loop', '95014', 'Cupertino', 'CA']);
      const partial = await api.patch(user, { details: { address: { city: 'Paris' } } });
      assert.deepEqual(partial.body.address, { street: '', post_code: '', city: 'Paris', state: '' }, 'an object replaces the whole address');
      assert.equal((await api.patch(user, { details: { address: null } })).body.address, '');
    });

    it('company_info and additional_data take any JSON within the registry limits', async () => {
      const user = await server.createUser();
      const info = { name: 'Analytical Engines Ltd', founded: 1843, staff: [{ name: 'Ada', roles: ['analyst'] }], listed: false, notes: null };
      let res = await api.patch(user, { details: { company_info: info, additional_data: ['any', 1, true, { deep: { er: [1] } }] } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.company_info, info);
      assert.deepEqual(res.body.additional_data, ['any', 1, true, { deep: { er: [1] } }]);
      res = await api.patch(user, { details: { company_info: 'just a string', additional_data: 42 } });
      assert.deepEqual([res.body.company_info, res.body.additional_data], ['just a string', 42]);
      res = await api.patch(user, { details: { company_info: null, additional_data: null } });
      assert.deepEqual([res.body.company_info, res.body.additional_data], [null, {}]);
    });

    it('booleans take DRF\'s spellings ("true", "0", "on"…); null (which the seed allows) reads as false', async () => {
      const user = await server.createUser();
      let res = await api.patch(user, { details: { communication_preferences_phone: 'true', communication_preferences_email: 1, platform_features_emails: 'on', activity_based_emails: 'yes' } });
      assert.deepEqual([res.body.communication_preferences_phone, res.body.communication_preferences_email, res.body.platform_features_emails, res.body.activity_based_emails], [true, true, true, true]);
      res = await api.patch(user, { details: { communication_preferences_phone: '0', communication_preferences_email: null, platform_features_emails: 'False', activity_based_emails: false } });
      assert.deepEqual([res.body.communication_preferences_phone, res.body.communication_preferences_email, res.body.platform_features_emails, res.body.activity_based_emails], [false, false, false, false]);
    });

    it('dob is an ISO date (Django\'s parse_date also reads 1815-12-1); "" clears it', async () => {
      const user = await server.createUser();
      assert.equal((await api.patch(user, { details: { dob: '1815-12-10' } })).body.dob, '1815-12-10');
      assert.equal((await api.patch(user, { details: { dob: '1815-12-1' } })).body.dob, '1815-12-01');
      assert.equal((await api.native(user))['date_of_birth'], '1815-12-01');
      assert.equal((await api.patch(user, { details: { dob: '' } })).body.dob, '');
      assert.equal((await api.native(user))['date_of_birth'], null);
    });

    it('country: alpha-2, alpha-3 and English names are read; the view answers alpha-2', async () => {
      const user = await server.createUser();
      for (const [sent, stored] of [['de', 'DE'], ['GBR', 'GB'], ['usa', 'US'], ['France', 'FR']]) {
        const res = await api.patch(user, { details: { country: sent } });
        assert.equal(res.body.country, stored, sent);
      }
      assert.equal((await api.patch(user, { details: { country: '' } })).body.country, '');
    });

    it('a blank URL clears it; values are trimmed as DRF trims them', async () => {
      const user = await server.createUser();
      await api.patch(user, { details: { profile_picture: 'https://img.example.com/ada.png', resume: 'https://cv.example.com/ada.pdf', portfolio_url: 'https://ada.dev' } });
      const res = await api.patch(user, { full_name: '  Ada  ', details: { profile_picture: '', resume: '', portfolio_url: null } });
      assert.deepEqual([res.body.full_name, res.body.profile_picture, res.body.resume, res.body.portfolio_url], ['Ada', '', '', '']);
    });

    it('the path without its slash redirects: 301 for GET (Django\'s APPEND_SLASH), 308 for PATCH (method and body kept)', async () => {
      const user = await server.createUser();
      const get = await fetch(`${server.url}/api/v1/iam/user/profile?x=1`, { redirect: 'manual', headers: { authorization: `Bearer ${user.token}` } });
      assert.equal(get.status, 301);
      assert.equal(get.headers.get('location'), '/api/v1/iam/user/profile/?x=1');
      const patch = await fetch(`${server.url}/api/v1/iam/user/profile`, { method: 'PATCH', redirect: 'manual', headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(patch.status, 308);
      const followed = await server.request('PATCH', '/api/v1/iam/user/profile', { token: user.token, body: { full_name: 'Via Redirect' } });
      assert.equal(followed.status, 200);
      assert.equal(followed.body.full_name, 'Via Redirect');
    });

    it('other methods → 405 {"detail": "Method \\"PUT\\" not allowed."} with Allow; an unknown /api/v1 path → 404 {"detail": "Not found."}', async () => {
      const user = await server.createUser();
      const res = await server.request('PUT', PROFILE, { token: user.token, body: {} });
      assert.equal(res.status, 405);
      assert.deepEqual(res.body, { detail: 'Method "PUT" not allowed.' });
      assert.equal(res.headers.get('allow'), 'GET, PATCH, HEAD');
      const missing = await server.request('GET', '/api/v1/iam/nothing/', { token: user.token });
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { detail: 'Not found.' });
    });

    it('the endpoint is documented in /openapi.json with its request and view schemas', async () => {
      const doc = (await server.request('GET', '/openapi.json')).body;
      const op = doc.paths[PROFILE];
      assert.ok(op?.get && op?.patch, 'GET and PATCH are documented');
      const view = op.patch.responses['200'].content['application/json'].schema;
      assert.ok(view.properties.skills_data && view.properties.focus_area && view.properties.is_current_user);
      const body = op.patch.requestBody.content['application/json'].schema;
      assert.ok(body.properties.details.properties.linkedin_url);
      assert.ok(!('email' in body.properties), 'read-only names are not documented as writable');
    });
  });
}
