import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { aisquare, PROFILE } from './support/aisquare.ts';
import { deleteProfileRow } from './support/raw-sql.ts';

for (const backend of backends) {
  describe(`AISquare validation: DRF-keyed 400s, nothing changed (${backend.name})`, () => {
    let server: TestServer;
    let api: ReturnType<typeof aisquare>;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      api = aisquare(server);
      user = await server.createUser({ displayName: 'Grace Hopper' });
      await api.patch(user, { details: { bio: 'Compiler pioneer', linkedin_url: 'https://linkedin.com/in/grace' } });
    });
    after(() => server.close());

    /** Sends `body`; expects a 400 with exactly `errors`, and the profile exactly as it was. */
    async function refused(body: unknown, errors: unknown, opts: { raw?: string } = {}) {
      const before = await api.native(user);
      const res = await api.patch(user, opts.raw === undefined ? body : undefined, opts);
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.body, errors);
      assert.deepEqual(await api.native(user), before, 'a refused request changes nothing');
    }

    it('username: at most 150 characters', () => refused({ username: 'a'.repeat(151) }, { username: ['Ensure this field has no more than 150 characters.'] }));
    it('username: letters, digits and @/./+/-/_ only', () => refused({ username: 'grace hopper!' }, { username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'] }));
    it('username: not blank, not null', async () => {
      await refused({ username: '' }, { username: ['This field may not be blank.'] });
      await refused({ username: null }, { username: ['This field may not be null.'] });
    });
    it('username: unique, ignoring case', async () => {
      const other = await server.createUser({ username: `Taken-${backend.name}` });
      await refused({ username: other.username.toLowerCase() }, { username: ['A user with that username already exists.'] });
    });
    it('full_name: a string of at most 200 characters', async () => {
      await refused({ full_name: 'x'.repeat(201) }, { full_name: ['Ensure this field has no more than 200 characters.'] });
      await refused({ full_name: { first: 'Grace' } }, { full_name: ['Not a valid string.'] });
      await refused({ full_name: true }, { full_name: ['Not a valid string.'] });
    });
    it('URL fields are validated as URLs', async () => {
      for (const wire of ['linkedin_url', 'github_url', 'twitter_url', 'facebook_url', 'website_url', 'portfolio_url', 'profile_picture', 'resume']) {
        await refused({ details: { [wire]: 'not a url' } }, { details: { [wire]: ['Enter a valid URL.'] } });
      }
      await refused({ details: { website_url: 'javascript:alert(1)' } }, { details: { website_url: ['Enter a valid URL.'] } });
      await refused({ details: { github_url: '@grace' } }, { details: { github_url: ['Enter a valid URL.'] } });
    });
    it('URL fields: at most 200 characters where DRF\'s URLField stops', () =>
      refused({ details: { linkedin_url: `https://linkedin.com/in/${'g'.repeat(200)}` } }, { details: { linkedin_url: ['Ensure this field has no more than 200 characters.'] } }));
    it('dob: an ISO date, a real one, in the past', async () => {
      const format = ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'];
      await refused({ details: { dob: '10/12/1815' } }, { details: { dob: format } });
      await refused({ details: { dob: '1815-02-30' } }, { details: { dob: format } });
      await refused({ details: { dob: 18151210 } }, { details: { dob: format } });
      await refused({ details: { dob: '2999-01-01' } }, { details: { dob: ['Ensure this date is in the past.'] } });
    });
    it('booleans: DRF\'s spellings only', () => refused({ details: { activity_based_emails: 'maybe' } }, { details: { activity_based_emails: ['Must be a valid boolean.'] } }));
    it('non-nullable properties refuse null', async () => {
      for (const wire of ['profile_picture', 'country', 'user_type', 'resume', 'skills', 'investment_interests']) {
        await refused({ details: { [wire]: null } }, { details: { [wire]: ['This field may not be null.'] } });
      }
      await refused({ full_name: null }, { full_name: ['This field may not be null.'] });
    });
    it('country: an ISO 3166-1 code or English name', () => refused({ details: { country: 'Narnia' } }, { details: { country: ['"Narnia" is not a valid choice.'] } }));
    it('lists must be lists', () => refused({ details: { skills: 'Python' } }, { details: { skills: ['Expected a list of items but got type "str".'] } }));
    it('address: a string or an object of street, post_code, city and state', async () => {
      await refused({ details: { address: 42 } }, { details: { address: ['Expected a string or an object with street, post_code, city and state.'] } });
      await refused({ details: { address: { line1: '1 Main St' } } }, { details: { address: ['Unknown address part "line1"; use street, post_code, city and state.'] } });
      await refused({ details: { address: 'line one\nline two' } }, { details: { address: ['The text contains control characters.'] } });
      await refused({ details: { address: { city: 'c'.repeat(201) } } }, { details: { address: ['Ensure this field has no more than 200 characters.'] } });
    });
    it('company_info / additional_data: at most 16 KiB and 8 levels deep', async () => {
      let deep: unknown = 1;
      for (let i = 0; i < 10; i++) deep = [deep];
      await refused({ details: { company_info: deep } }, { details: { company_info: ['The value must be JSON at most 8 levels deep.'] } });
      await refused({ details: { additional_data: 'x'.repeat(17_000) } }, { details: { additional_data: ['The value may be at most 16384 bytes of JSON.'] } });
    });
    it('details must be an object, and not null', async () => {
      await refused({ details: 'bio' }, { details: { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] } });
      await refused({ details: null }, { details: ['This field may not be null.'] });
    });
    it('the body must be an object', () => refused(undefined, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }, { raw: '[1, 2]' }));

    it('every problem is reported at once, top-level and nested, and none of the valid parts is applied', () =>
      refused(
        { full_name: 'Changed', username: 'no spaces allowed', details: { bio: 'changed too', linkedin_url: 'nope', dob: 'yesterday', skills: ['Unheard-of'] } },
        {
          username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
          details: {
            linkedin_url: ['Enter a valid URL.'],
            dob: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
            skills: ['Unknown skill "Unheard-of": it is not in this organization\'s vocabulary (an administrator adds entries).'],
          },
        },
      ));

    it('read-only properties are ignored, never applied (DRF), at the top and in details', async () => {
      const before = await api.native(user);
      const res = await api.patch(user, {
        user_id: 'someone-else', email: 'mallory@example.com', created_at: '2000-01-01T00:00:00Z', is_current_user: false,
        details: {
          followers_count: 1000, following_count: 5, is_following: true, is_followed_back: true, is_current_user: false,
          top_domain_elo: 3000, top_domain_rank: 1, streak: '365', highest_streak: '365', streak_freeze_days: '99', title: 'Grandmaster', unlocked_titles: 'all',
          skills_data: [{ id: 1, name: 'forged' }], investment_interests_data: [], technical_interests_data: [], focus_area_data: [{ name: 'forged' }],
        },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await api.native(user), before, 'nothing changed: not even a new version');
      assert.deepEqual([res.body.email, res.body.followers_count, res.body.top_domain_elo, res.body.title, res.body.is_current_user], [user.email, 0, 0, '', true]);
    });

    it('unknown properties are ignored, as DRF ignores them', async () => {
      const before = await api.native(user);
      const res = await api.patch(user, { nickname: 'Amazing Grace', password: 'x', details: { favourite_colour: 'navy', given_name: 'G' } });
      assert.equal(res.status, 200);
      assert.deepEqual(await api.native(user), before);
    });
  });

  describe(`AISquare request and auth errors in DRF's {"detail"} envelope (${backend.name})`, () => {
    let server: TestServer;
    let api: ReturnType<typeof aisquare>;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend, { config: { bodyLimitBytes: 4096 } });
      api = aisquare(server);
      user = await server.createUser();
    });
    after(() => server.close());

    it('malformed JSON → 400 {"detail": "JSON parse error - …"}, the body not echoed', async () => {
      const res = await api.patch(user, undefined, { raw: '{"full_name": "secret-ish", ' });
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /^JSON parse error - /);
      assert.ok(!res.text.includes('secret-ish'));
      const quoted = await api.patch(user, undefined, { raw: '{"full_name": hunter2}' });
      assert.deepEqual([quoted.status, quoted.body], [400, { detail: 'JSON parse error - Unexpected token \'h\'' }]);
      const proto = await api.patch(user, undefined, { raw: '{"__proto__": {"admin": true}}' });
      assert.equal(proto.status, 400);
      assert.match(proto.body.detail, /^JSON parse error - /);
    });
    it('another media type → 415 {"detail": "Unsupported media type \\"text/plain\\" in request."}', async () => {
      const res = await api.patch(user, undefined, { raw: 'full_name=x', contentType: 'text/plain' });
      assert.equal(res.status, 415);
      assert.deepEqual(res.body, { detail: 'Unsupported media type "text/plain" in request.' });
      const form = await api.patch(user, undefined, { raw: 'full_name=x', contentType: 'application/x-www-form-urlencoded' });
      assert.deepEqual([form.status, form.body], [415, { detail: 'Unsupported media type "application/x-www-form-urlencoded" in request.' }]);
    });
    it('a body over the limit → 413 {"detail": …}', async () => {
      const res = await api.patch(user, { details: { bio: 'x'.repeat(5000) } });
      assert.equal(res.status, 413);
      assert.deepEqual(Object.keys(res.body), ['detail']);
    });
    it('no credentials → 401 {"detail": "Authentication credentials were not provided."} with a Bearer challenge', async () => {
      for (const res of [await api.patch(null, { full_name: 'x' }), await server.request('GET', PROFILE)]) {
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, { detail: 'Authentication credentials were not provided.' });
        assert.match(res.headers.get('www-authenticate')!, /^Bearer /);
      }
    });
    it('a bad token → 401 in simplejwt\'s words', async () => {
      const res = await server.request('GET', PROFILE, { token: `${user.token.slice(0, -4)}AAAA` });
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { detail: 'Given token not valid for any token type', code: 'token_not_valid', messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }] });
      const malformed = await server.request('GET', PROFILE, { headers: { authorization: 'Token abc' } });
      assert.equal(malformed.status, 401);
      assert.deepEqual(malformed.body, { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' });
    });
    it('a token whose user detail has gone → 404 {"detail": "User detail not found."}', async () => {
      const person = await server.createUser();
      await server.app.services.accounts.createOrg({ slug: `elsewhere-${backend.name}`, name: 'Elsewhere' });
      const second = await server.app.services.accounts.addProfile(person.username, `elsewhere-${backend.name}`);
      // The session moves to the second profile; the first token still names the first one.
      assert.equal((await server.request('POST', `/v1/me/profiles/${second.id}/activate`, { token: person.token })).status, 200);
      await deleteProfileRow(server, person.profileId);
      for (const method of ['GET', 'PATCH']) {
        const res = await server.request(method, PROFILE, { token: person.token, ...(method === 'PATCH' ? { body: { full_name: 'x' } } : {}) });
        assert.equal(res.status, 404, method);
        assert.deepEqual(res.body, { detail: 'User detail not found.' });
      }
    });
    it('a service account (API key) → 403 {"detail": …}', async () => {
      const svc = await server.app.services.accounts.createAccount({ username: `svc-${Math.random().toString(36).slice(2, 8)}`, kind: 'service', email: null, password: null });
      const { key } = await server.app.services.accounts.createApiKey(svc.id);
      const res = await server.request('GET', PROFILE, { token: key });
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { detail: 'Service accounts cannot use self-service endpoints.' });
    });
  });
}
