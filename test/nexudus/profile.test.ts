import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

const PATH = '/api/public/coworker/profile';
const READ = '/en/profile?_resource=Coworker';
const OK = { WasSuccessful: true, Value: null, Status: 200, Message: null, Errors: null };

/** Every field of the six sections (credentials apart) with a valid value. */
const EVERY_FIELD = {
  FullName: 'Jane Doe', NickName: 'JD', Gender: 'Female', DateOfBirth: '1990-06-15', MobilePhone: '+44 7700 900123', LandLine: '020 7946 0018',
  Address: '1 High Street', PostCode: 'SW1A 1AA', CityName: 'London', State: 'Greater London', CountryId: 826,
  BillingName: 'Doe Design Ltd', BillingEmail: 'invoices@doe.example', BillingAddress: '2 Low Road', BillingPostCode: '10115', BillingCityName: 'Berlin', BillingState: 'Berlin', BillingCountryId: 276, TaxIDNumber: 'DE123456789',
  Position: 'Product Designer', CompanyName: 'Doe Design', BusinessArea: 'Design', ProfileSummary: '# Hi\n\nI design **things**.', ProfileWebsite: 'https://doe.example', ProfileIsPublic: true, ProfileTags: 'design,ux',
  Twitter: '@janedoe', Linkedin: 'https://www.linkedin.com/in/janedoe', Github: 'janedoe', Instagram: 'jane.doe', Facebook: 'https://facebook.com/janedoe', Skype: 'jane.doe', Telegram: 'janedoe',
  OnHelpDeskMsg: false, OnNewWallPost: true, OnNewBlogComment: true, OnNewEventComment: true, ReceiveCommunityDigest: true, SignUpToNewsletter: true,
};

for (const backend of backends) {
  describe(`Nexudus coworker profile (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    const patch = (body: unknown, u = user) => server.request('PATCH', PATH, { token: u.token, body });
    const read = async (u = user) => (await server.request('GET', READ, { token: u.token })).body;
    const native = async (u = user) => (await server.request('GET', '/v1/me/profile', { token: u.token })).body;
    const fields = (res: { body: { Errors: { PropertyName: string }[] | null } }) => (res.body.Errors ?? []).map((e) => e.PropertyName).sort();
    before(async () => {
      // Phones round-trip as written, the default (their opt-in verification: test/lifecycle/verified-phone.test.ts).
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('the seed\'s example answers exactly the ActionConfirmation of the seed', async () => {
      const res = await patch({ FullName: 'Jane Doe', Position: 'Product Designer', ProfileIsPublic: true });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, OK);
    });

    it('every field of every section round-trips PATCH → GET, and GET answers exactly the PATCH fields', async () => {
      const u = await server.createUser();
      assert.deepEqual((await patch(EVERY_FIELD, u)).body, OK);
      assert.deepEqual(await read(u), EVERY_FIELD);
      const n = await native(u);
      assert.deepEqual([n.display_name, n.country, n.billing_country, n.tags, n.gender, n.notify_help_desk, n.newsletter], ['Jane Doe', 'GB', 'DE', ['design', 'ux'], 'female', false, true]);
    });

    it('omitted fields are unchanged; null clears string | null fields', async () => {
      await patch({ NickName: 'Nick', Position: 'Analyst', BillingAddress: 'Somewhere', Twitter: '@x', DateOfBirth: '1980-01-01' });
      await patch({ FullName: 'Only this' });
      const kept = await read();
      assert.deepEqual([kept.NickName, kept.Position, kept.BillingAddress, kept.Twitter, kept.DateOfBirth], ['Nick', 'Analyst', 'Somewhere', '@x', '1980-01-01']);
      assert.deepEqual((await patch({ NickName: null, Position: null, BillingAddress: null, Twitter: null, DateOfBirth: null, ProfileSummary: null, ProfileWebsite: null, MobilePhone: null })).body, OK);
      const cleared = await read();
      assert.deepEqual([cleared.NickName, cleared.Position, cleared.BillingAddress, cleared.Twitter, cleared.DateOfBirth, cleared.ProfileSummary, cleared.ProfileWebsite, cleared.MobilePhone], [null, null, null, null, null, null, null, null]);
    });

    it('null on a non-nullable field → 400 naming it, nothing changed', async () => {
      const before = await read();
      const names = ['FullName', 'Gender', 'Address', 'PostCode', 'CityName', 'State', 'CountryId', 'BillingName', 'BillingEmail', 'BillingCountryId', 'TaxIDNumber', 'CompanyName', 'ProfileIsPublic', 'ProfileTags', 'OnHelpDeskMsg', 'SignUpToNewsletter'];
      const res = await patch({ ...Object.fromEntries(names.map((n) => [n, null])), NickName: 'changed?' });
      assert.equal(res.status, 400);
      assert.deepEqual([res.body.WasSuccessful, res.body.Status, res.body.Value], [false, 400, null]);
      assert.equal(typeof res.body.Message, 'string');
      assert.deepEqual(fields(res), [...names].sort());
      for (const e of res.body.Errors) assert.deepEqual([e.AttemptedValue, typeof e.Message], [null, 'string']);
      assert.deepEqual(await read(), before);
    });

    it('CountryId and BillingCountryId take ids from GET /api/public/countries, and nothing else', async () => {
      const { Countries } = (await server.request('GET', '/api/public/countries')).body as { Countries: { Id: number; TwoDigitsCode: string }[] };
      const nz = Countries.find((c) => c.TwoDigitsCode === 'NZ')!;
      assert.deepEqual((await patch({ CountryId: nz.Id, BillingCountryId: String(nz.Id) })).body, OK);
      assert.deepEqual([(await read()).CountryId, (await native()).country], [554, 'NZ']);
      // 100983 and 100004 were once taken as Kosovo and Afghanistan (i18n-iso-countries' lenient numericToAlpha2).
      for (const bad of [0, 999, -4, 826.5, 100983, 100004, 1004, 'GB', true, [826], { Id: 826 }]) {
        const res = await patch({ CountryId: bad, BillingCountryId: bad });
        assert.equal(res.status, 400, JSON.stringify(bad));
        assert.deepEqual(fields(res), ['BillingCountryId', 'CountryId']);
        assert.deepEqual(res.body.Errors[0].AttemptedValue, bad);
      }
      assert.equal((await read()).CountryId, 554);
    });

    it('the ids CountryId accepts are exactly the ids GET /api/public/countries lists', async () => {
      const { Countries } = (await server.request('GET', '/api/public/countries')).body as { Countries: { Id: number; TwoDigitsCode: string }[] };
      const listed = new Map(Countries.map((c) => [c.Id, c.TwoDigitsCode]));
      const { countries } = server.app.services;
      for (let id = -10; id <= 1_100_000; id++) assert.equal(countries.byNumeric(id)?.code, listed.get(id), `id ${id}`);
    });

    it('ProfileTags: comma-separated ⇄ the tag list, trimmed, empties dropped, de-duplicated case-insensitively, order kept', async () => {
      assert.deepEqual((await patch({ ProfileTags: ' Design , ux,,DESIGN,  Research ,ux , ' })).body, OK);
      assert.deepEqual((await native()).tags, ['Design', 'ux', 'Research']);
      assert.equal((await read()).ProfileTags, 'Design,ux,Research');
      assert.deepEqual((await patch({ ProfileTags: '' })).body, OK);
      assert.deepEqual((await native()).tags, []);
      const tooMany = await patch({ ProfileTags: Array.from({ length: 51 }, (_, i) => `t${i}`).join(',') });
      assert.deepEqual(fields(tooMany), ['ProfileTags']);
      assert.deepEqual(fields(await patch({ ProfileTags: 'x'.repeat(51) })), ['ProfileTags']);
      assert.deepEqual(fields(await patch({ ProfileTags: ['a', 'b'] })), ['ProfileTags']);
    });

    it('Gender accepts Nexudus\' names and numbers case-insensitively and maps them to the canonical enum', async () => {
      const cases: [unknown, string, string][] = [
        ['Male', 'male', 'Male'], ['FEMALE', 'female', 'Female'], ['other', 'diverse', 'Other'], ['NotSet', 'unspecified', 'NotSet'], ['None', 'unspecified', 'NotSet'],
        ['RatherNotSay', 'unspecified', 'NotSet'], [2, 'male', 'Male'], ['3', 'female', 'Female'], [4, 'diverse', 'Other'], [' male ', 'male', 'Male'], ['Diverse', 'diverse', 'Other'],
      ];
      for (const [sent, canonical, wire] of cases) {
        assert.deepEqual((await patch({ Gender: sent })).body, OK, String(sent));
        assert.deepEqual([(await native()).gender, (await read()).Gender], [canonical, wire], String(sent));
      }
      for (const bad of ['M', 'woman', 6, '', true]) assert.deepEqual(fields(await patch({ Gender: bad })), ['Gender'], String(bad));
    });

    it('DateOfBirth: an ISO date in the past (a .NET DateTime at midnight is the same date)', async () => {
      assert.deepEqual((await patch({ DateOfBirth: '1990-06-15T00:00:00' })).body, OK);
      assert.equal((await read()).DateOfBirth, '1990-06-15');
      assert.deepEqual((await patch({ DateOfBirth: '1991-02-03T00:00:00.000Z' })).body, OK);
      assert.equal((await read()).DateOfBirth, '1991-02-03');
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      for (const bad of ['1990-02-30', '15/06/1990', tomorrow, '1990-06-15T13:45:00', 19900615]) assert.deepEqual(fields(await patch({ DateOfBirth: bad })), ['DateOfBirth'], String(bad));
      assert.equal((await read()).DateOfBirth, '1991-02-03');
    });

    it('BillingEmail is an email, ProfileWebsite an http(s) URL, ProfileSummary Markdown of at most 10 000 characters', async () => {
      const res = await patch({ BillingEmail: 'not an email', ProfileWebsite: 'javascript:alert(1)', ProfileSummary: 'x'.repeat(10_001) });
      assert.deepEqual(fields(res), ['BillingEmail', 'ProfileSummary', 'ProfileWebsite']);
      assert.equal(res.body.Errors.find((e: { PropertyName: string }) => e.PropertyName === 'ProfileWebsite').AttemptedValue, 'javascript:alert(1)');
      for (const bad of ['ftp://x.example', 'doe.example', 'http://']) assert.deepEqual(fields(await patch({ ProfileWebsite: bad })), ['ProfileWebsite'], bad);
      assert.deepEqual((await patch({ BillingEmail: 'billing@doe.example', ProfileWebsite: 'http://doe.example/x', ProfileSummary: `${'y'.repeat(9_992)}\n\n**ok**` })).body, OK);
      assert.equal((await read()).ProfileSummary.length, 10_000);
    });

    it('MobilePhone and LandLine: any format, bounded in length and characters; the E.164 form is kept when it parses with the country', async () => {
      await patch({ CountryId: 826 });
      assert.deepEqual((await patch({ MobilePhone: '07911 123456', LandLine: '(020) 7946-0018 ext. 12' })).body, OK);
      const n = await native();
      assert.deepEqual([n.mobile_phone, n.mobile_phone_e164, n.landline], ['07911 123456', '+447911123456', '(020) 7946-0018 ext. 12']);
      assert.deepEqual((await patch({ MobilePhone: '12345' })).body, OK, 'any format: kept even when it is no valid number');
      assert.deepEqual([(await native()).mobile_phone, (await native()).mobile_phone_e164], ['12345', null]);
      for (const bad of ['1'.repeat(41), 'call me maybe', '<script>', '+44\n7700']) assert.deepEqual(fields(await patch({ MobilePhone: bad, LandLine: bad })), ['LandLine', 'MobilePhone'], bad);
    });

    it('wrong types, unknown fields and every problem at once → 400 naming each field, nothing applied', async () => {
      const before = await read();
      const res = await patch({ FullName: 42, ProfileIsPublic: 'yes', OnNewWallPost: 1, Position: ['a'], Email: 'x@y.z', Bogus: true, fullname: 'lower' });
      assert.equal(res.status, 400);
      assert.deepEqual(fields(res), ['Bogus', 'Email', 'FullName', 'OnNewWallPost', 'Position', 'ProfileIsPublic', 'fullname']);
      assert.equal(res.body.Errors.find((e: { PropertyName: string }) => e.PropertyName === 'FullName').AttemptedValue, 42);
      assert.deepEqual(await read(), before);
    });

    it('bad requests answer 4xx in the ActionConfirmation envelope with the profile unchanged', async () => {
      const before = await read();
      const cases: [string, Parameters<TestServer['request']>[2], number][] = [
        ['malformed JSON', { raw: '{"FullName": "x",', contentType: 'application/json' }, 400],
        ['an array body', { body: [{ FullName: 'x' }] }, 400],
        ['a string body', { raw: '"FullName"', contentType: 'application/json' }, 400],
        ['70 KiB', { raw: JSON.stringify({ ProfileSummary: 'x'.repeat(70 * 1024) }), contentType: 'application/json' }, 413],
        ['text/plain', { raw: '{"FullName":"x"}', contentType: 'text/plain' }, 415],
        ['form-encoded', { raw: 'FullName=x', contentType: 'application/x-www-form-urlencoded' }, 415],
        ['__proto__', { raw: '{"__proto__": {"FullName": "x"}}', contentType: 'application/json' }, 400],
        ['a 10 000-deep array in FullName', { raw: `{"FullName": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`, contentType: 'application/json' }, 400],
      ];
      for (const [name, opts, status] of cases) {
        const res = await server.request('PATCH', PATH, { token: user.token, ...opts });
        assert.equal(res.status, status, name);
        assert.deepEqual([res.body.WasSuccessful, res.body.Status, res.body.Value, typeof res.body.Message], [false, status, null, 'string'], name);
        // Seed 000: "Check Errors in the response body" — never null on a failure.
        assert.ok(Array.isArray(res.body.Errors) && res.body.Errors.length > 0, `${name}: ${res.text}`);
        for (const e of res.body.Errors) assert.equal(typeof e.Message, 'string', name);
      }
      assert.deepEqual(await read(), before);
    });

    it('no token, a bad token or an expired session → 401 in the envelope; an API key → 403', async () => {
      for (const token of [undefined, 'not-a-jwt', `${user.token.slice(0, -4)}AAAA`]) {
        const res = await server.request('PATCH', PATH, { ...(token ? { token } : {}), body: { FullName: 'x' } });
        assert.equal(res.status, 401);
        assert.deepEqual([res.body.WasSuccessful, res.body.Status, res.body.Errors], [false, 401, [{ PropertyName: null, AttemptedValue: null, Message: res.body.Message }]]);
        assert.equal((await server.request('GET', READ, token ? { token } : {})).body.Status, 401);
      }
      const svc = await server.app.services.accounts.createAccount({ username: `svc-nx-${Date.now()}`, kind: 'service' });
      const { key } = await server.app.services.accounts.createApiKey(svc.id);
      const denied = await server.request('PATCH', PATH, { token: key, body: { FullName: 'Robot' } });
      assert.equal(denied.status, 403);
      assert.deepEqual([denied.body.WasSuccessful, denied.body.Status], [false, 403]);
    });

    it('a change made here is visible through the native API, and the reverse', async () => {
      await patch({ FullName: 'Grace Hopper', CompanyName: 'US Navy', Linkedin: 'grace', OnNewWallPost: true });
      const n = await native();
      assert.deepEqual([n.display_name, n.company_name, n.linkedin, n.notify_wall_post], ['Grace Hopper', 'US Navy', 'grace', true]);
      const res = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { display_name: 'Rear Admiral Hopper', tags: ['COBOL', 'compilers'], billing_country: 'US', newsletter: false } });
      assert.equal(res.status, 200);
      const r = await read();
      assert.deepEqual([r.FullName, r.ProfileTags, r.BillingCountryId, r.SignUpToNewsletter], ['Rear Admiral Hopper', 'COBOL,compilers', 840, false]);
    });
  });

  describe(`Nexudus credentials (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { config: { loginMaxFailuresPerAccount: 3 } });
    });
    after(() => server.close());
    const patch = (u: TestUser, body: unknown) => server.request('PATCH', PATH, { token: u.token, body });
    const fields = (res: { body: { Errors: { PropertyName: string }[] | null } }) => (res.body.Errors ?? []).map((e) => e.PropertyName).sort();
    const NEW = 'Sea-Shanty-Lighthouse-42';

    it('no old password, a wrong one, a mismatch, a weak one: each reported under its field, never echoed', async () => {
      const u = await server.createUser();
      const noOld = await patch(u, { NewPassword: NEW, RepeatNewPassword: NEW });
      assert.deepEqual(fields(noOld), ['OldPassword']);
      const wrongOld = await patch(u, { OldPassword: 'Wrong-Password-123', NewPassword: NEW, RepeatNewPassword: NEW });
      assert.deepEqual(fields(wrongOld), ['OldPassword']);
      const mismatch = await patch(u, { OldPassword: u.password, NewPassword: NEW, RepeatNewPassword: `${NEW}!` });
      assert.deepEqual(fields(mismatch), ['RepeatNewPassword']);
      const weak = await patch(u, { OldPassword: u.password, NewPassword: 'password', RepeatNewPassword: 'password' });
      assert.deepEqual(fields(weak), ['NewPassword']);
      const noRepeat = await patch(u, { OldPassword: u.password, NewPassword: NEW });
      assert.deepEqual(fields(noRepeat), ['RepeatNewPassword']);
      const onlyOld = await patch(u, { OldPassword: u.password });
      assert.deepEqual(fields(onlyOld), ['NewPassword']);
      const same = await patch(u, { OldPassword: u.password, NewPassword: u.password, RepeatNewPassword: u.password });
      assert.deepEqual([fields(same), same.body.Errors[0].Message], [['NewPassword'], 'The new password must differ from the current one.']);
      for (const res of [noOld, wrongOld, mismatch, weak, noRepeat, onlyOld, same]) {
        assert.equal(res.status, 400);
        for (const e of res.body.Errors) assert.equal(e.AttemptedValue, null);
        for (const secret of [NEW, u.password, 'Wrong-Password-123']) assert.ok(!res.text.includes(secret), 'a password was echoed');
      }
      await server.login(u.username, u.password);
    });

    it('success ends every other session, keeps the caller\'s, and the old password is refused at /oauth/token', async () => {
      const u = await server.createUser();
      const other = await server.login(u.username, u.password);
      const res = await patch(u, { OldPassword: u.password, NewPassword: NEW, RepeatNewPassword: NEW });
      assert.deepEqual(res.body, OK);
      assert.equal((await server.request('GET', READ, { token: u.token })).status, 200, "the caller's session keeps working");
      assert.equal((await server.request('GET', READ, { token: other.access_token })).status, 401, 'the other session ended');
      const refresh = await server.request('POST', '/oauth/token', { raw: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: other.refresh_token }).toString(), contentType: 'application/x-www-form-urlencoded' });
      assert.deepEqual([refresh.status, refresh.body.error], [400, 'invalid_grant']);
      const refused = await server.request('POST', '/oauth/token', { raw: new URLSearchParams({ grant_type: 'password', username: u.username, password: u.password }).toString(), contentType: 'application/x-www-form-urlencoded' });
      assert.deepEqual([refused.status, refused.body.error], [400, 'invalid_grant']);
      await server.login(u.username, NEW);
    });

    it('a password change riding with other fields is applied whole or not at all', async () => {
      const u = await server.createUser();
      const failed = await patch(u, { FullName: 'Should not land', OldPassword: u.password, NewPassword: NEW, RepeatNewPassword: 'different-Thing-99' });
      assert.equal(failed.status, 400);
      assert.notEqual((await server.request('GET', READ, { token: u.token })).body.FullName, 'Should not land');
      await server.login(u.username, u.password);
      const bad = await patch(u, { FullName: 'Also not', CountryId: 1, OldPassword: u.password, NewPassword: NEW, RepeatNewPassword: NEW });
      assert.deepEqual(fields(bad), ['CountryId']);
      await server.login(u.username, u.password);
      assert.deepEqual((await patch(u, { FullName: 'Both land', OldPassword: u.password, NewPassword: NEW, RepeatNewPassword: NEW })).body, OK);
      assert.equal((await server.request('GET', READ, { token: u.token })).body.FullName, 'Both land');
      await server.login(u.username, NEW);
      const history = (await server.request('GET', '/v1/me/history?limit=1', { token: u.token })).body;
      assert.deepEqual(history.events[0].changes.map((c: { field: string }) => c.field).sort(), ['display_name', 'password']);
      assert.ok(!JSON.stringify(history).includes(NEW));
    });

    it('too many wrong old passwords → 409 with Retry-After, in the envelope', async () => {
      const u = await server.createUser();
      let last;
      for (let i = 0; i < 4; i++) last = await patch(u, { OldPassword: `Wrong-Guess-${i}-xyz`, NewPassword: NEW, RepeatNewPassword: NEW });
      assert.equal(last!.status, 409);
      assert.deepEqual([last!.body.WasSuccessful, last!.body.Status], [false, 409]);
      assert.ok(Number(last!.headers.get('retry-after')) > 0);
    });
  });
}
