import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

const PATCH = '/api/public/coworker/profile';

for (const backend of backends) {
  describe(`Nexudus related endpoints (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    const get = (path: string, u: { token: string } | null = user) => server.request('GET', path, u ? { token: u.token } : {});
    const patch = (u: TestUser, body: unknown) => server.request('PATCH', PATCH, { token: u.token, body });
    before(async () => {
      server = await startServer(backend, { config: { summaryRateLimit: 3 } });
      user = await server.createUser({ displayName: 'Ada Lovelace' });
    });
    after(() => server.close());

    it('GET /login/me: the user, the active profile and org, and the notification preferences', async () => {
      await patch(user, { OnNewWallPost: true, SignUpToNewsletter: true });
      const me = await get('/login/me');
      const native = (await get('/v1/me/profile')).body;
      assert.equal(me.status, 200);
      assert.deepEqual(me.body, {
        UserId: user.id, UserName: user.username, Email: user.email, FullName: 'Ada Lovelace', CoworkerId: user.profileId, BusinessId: native.org_id, BusinessName: 'Default', Culture: 'en', IsAdmin: false,
        OnHelpDeskMsg: true, OnNewWallPost: true, OnNewBlogComment: false, OnNewEventComment: false, ReceiveCommunityDigest: false, SignUpToNewsletter: true,
      });
      assert.equal((await get('/login/me', null)).body.Status, 401);
    });

    it('GET /{lang}/profile: any two-letter language answers the same; _resource other than Coworker → 400; longer prefixes are no route', async () => {
      const en = await get('/en/profile?_resource=Coworker');
      assert.equal(en.status, 200);
      for (const path of ['/de/profile?_resource=Coworker', '/fr/profile', '/pt/profile?_resource=coworker']) assert.deepEqual((await get(path)).body, en.body, path);
      const other = await get('/en/profile?_resource=Invoice');
      assert.deepEqual([other.status, other.body.WasSuccessful, other.body.Errors?.[0]?.PropertyName], [400, false, '_resource']);
      for (const path of ['/eng/profile', '/EN/profile', '/v1/profile']) assert.equal((await get(path)).status, 404, path);
    });

    it('GET /api/public/countries: no sign-in, ISO 3166-1 numeric ids, names and cultures from the data, not typed by hand', async () => {
      const res = await server.request('GET', '/api/public/countries');
      assert.equal(res.status, 200);
      const list = res.body.Countries as { Id: number; Name: string; TwoDigitsCode: string; Culture: string }[];
      assert.ok(list.length >= 249);
      assert.deepEqual(list.find((c) => c.TwoDigitsCode === 'GB'), { Id: 826, Name: 'United Kingdom', TwoDigitsCode: 'GB', Culture: 'en-GB' });
      assert.deepEqual(list.find((c) => c.TwoDigitsCode === 'DE'), { Id: 276, Name: 'Germany', TwoDigitsCode: 'DE', Culture: 'de-DE' });
      assert.equal(new Set(list.map((c) => c.Id)).size, list.length, 'ids are unique');
      for (const c of list) assert.match(c.Culture, /^[a-z]{2,3}-[A-Z]{2}$/, c.TwoDigitsCode);
      // Every listed id is accepted as CountryId.
      const u = await server.createUser();
      for (const c of list.filter((_, i) => i % 25 === 0)) {
        assert.equal((await patch(u, { CountryId: c.Id })).status, 200, c.Name);
        assert.equal((await get('/en/profile', u)).body.CountryId, c.Id);
      }
    });

    it('GET /api/public/coworkers/profiles is the profile switcher; switching answers a token for the other profile', async () => {
      const u = await server.createUser({ displayName: 'Two Places' });
      await server.app.services.accounts.createOrg({ slug: `nx-annex-${backend.name}`, name: 'Annex' });
      const second = await server.app.services.accounts.addProfile(u.username, `nx-annex-${backend.name}`, 'Annex Self');
      const list = await get('/api/public/coworkers/profiles', u);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.User, { Id: u.id, UserName: u.username, Email: u.email, FullName: 'Two Places' });
      assert.equal(list.body.DefaultBusiness.Name, 'Default');
      assert.deepEqual(list.body.Profiles.map((p: { FullName: string; BusinessName: string; IsActive: boolean }) => [p.FullName, p.BusinessName, p.IsActive]), [['Two Places', 'Default', true], ['Annex Self', 'Annex', false]]);
      const annex = list.body.Profiles[1];
      assert.equal(annex.UniqueId, second.id);
      assert.equal(typeof annex.Id, 'number');
      const switched = await server.request('POST', `/api/public/coworkers/profiles/${annex.Id}/switch`, { token: u.token });
      assert.equal(switched.status, 200);
      assert.equal(switched.body.WasSuccessful, true);
      const token = switched.body.Value as string;
      const again = await get('/api/public/coworkers/profiles', { token });
      assert.deepEqual([again.body.DefaultBusiness.Name, again.body.Profiles.map((p: { IsActive: boolean }) => p.IsActive)], ['Annex', [false, true]]);
      await patch({ ...u, token }, { Position: 'Annex lead' });
      assert.equal((await get('/en/profile', { token })).body.Position, 'Annex lead');
      assert.equal((await get('/en/profile', u)).body.Position, null, 'the first profile is untouched');
      // By UniqueId too; another account's profile is not found.
      assert.equal((await server.request('POST', `/api/public/coworkers/profiles/${list.body.Profiles[0].UniqueId}/switch`, { token })).status, 200);
      const foreign = await server.request('POST', `/api/public/coworkers/profiles/${user.profileId}/switch`, { token: u.token });
      assert.deepEqual([foreign.status, foreign.body.WasSuccessful], [404, false]);
    });

    it('POST /en/profile/GenerateOpenAiProfile: the offline writer\'s summary in Value, nothing saved; throttled → 409', async () => {
      const u = await server.createUser({ displayName: 'Grace Hopper' });
      await patch(u, { Position: 'Computer scientist', CompanyName: 'US Navy', BusinessArea: 'Compilers', ProfileTags: 'COBOL,compilers', MobilePhone: '+1 202 555 0100', BillingEmail: 'secret-billing@example.com' });
      const before = (await get('/en/profile', u)).body;
      const res = await server.request('POST', '/en/profile/GenerateOpenAiProfile', { token: u.token });
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.WasSuccessful, res.body.Status, res.body.Errors], [true, 200, null]);
      assert.match(res.body.Value, /Grace Hopper/);
      assert.match(res.body.Value, /COBOL/);
      assert.ok(!/202 555|secret-billing/.test(res.body.Value), 'private fields never reach the text');
      assert.deepEqual((await get('/en/profile', u)).body, before, 'generating never saves');
      const de = await server.request('POST', '/de/profile/GenerateOpenAiProfile', { token: u.token });
      assert.equal(de.status, 200);
      const throttled = await server.request('POST', '/en/profile/GenerateOpenAiProfile', { token: u.token });
      const over = throttled.status === 409 ? throttled : await server.request('POST', '/en/profile/GenerateOpenAiProfile', { token: u.token });
      assert.deepEqual([over.status, over.body.WasSuccessful, over.body.Status], [409, false, 409]);
      assert.ok(Number(over.headers.get('retry-after')) > 0);
    });
  });

  describe(`Nexudus published directory (${backend.name})`, () => {
    let server: TestServer;
    let viewer: TestUser;
    const get = (path: string, u: TestUser = viewer) => server.request('GET', path, { token: u.token });
    const names = (res: { body: { Records: { FullName: string }[] } }) => res.body.Records.map((r) => r.FullName);
    before(async () => {
      server = await startServer(backend);
      viewer = await server.createUser({ displayName: 'Viewer' });
      const people: [string, Record<string, unknown>][] = [
        ['Alan Turing', { Position: 'Mathematician', CompanyName: 'Bletchley Park', ProfileTags: 'cryptography,computing', ProfileSummary: 'Broke **Enigma** <script>alert(1)</script>' }],
        ['Joan Clarke', { Position: 'Cryptanalyst', CompanyName: 'Bletchley Park', ProfileTags: 'cryptography' }],
        ['Tommy Flowers', { Position: 'Engineer', CompanyName: 'Post Office', ProfileTags: 'electronics,computing' }],
        ['Hidden Person', { Position: 'Cryptanalyst', ProfileIsPublic: false }],
      ];
      for (const [name, fields] of people) {
        const u = await server.createUser({ displayName: name });
        const res = await server.request('PATCH', PATCH, { token: u.token, body: { ProfileIsPublic: true, MobilePhone: '+44 20 7946 0018', BillingEmail: 'private@example.com', DateOfBirth: '1912-06-23', Skype: 'secret.skype', ...fields } });
        assert.equal(res.status, 200, res.text);
      }
      await server.app.services.accounts.createOrg({ slug: `nx-elsewhere-${backend.name}`, name: 'Elsewhere' });
      const outsider = await server.createUser({ displayName: 'Alan Outsider', org: `nx-elsewhere-${backend.name}` });
      await server.request('PATCH', PATCH, { token: outsider.token, body: { ProfileIsPublic: true, Position: 'Mathematician' } });
    });
    after(() => server.close());

    it('lists the public profiles of the viewer\'s org by name, in Nexudus\' ApiListResult, public fields only', async () => {
      const res = await get('/api/public/coworkers/published');
      assert.equal(res.status, 200);
      assert.deepEqual(names(res), ['Alan Turing', 'Joan Clarke', 'Tommy Flowers']);
      assert.deepEqual([res.body.CurrentPage, res.body.TotalItems, res.body.TotalPages, res.body.HasNextPage, res.body.HasPreviousPage], [1, 3, 1, false, false]);
      const text = JSON.stringify(res.body);
      for (const secret of ['7946', 'private@example.com', '1912-06-23', 'secret.skype', 'Hidden Person', 'Outsider']) assert.ok(!text.includes(secret), secret);
      const alan = res.body.Records[0];
      assert.deepEqual(Object.keys(alan).sort(), ['AvatarUrl', 'BusinessArea', 'CompanyName', 'Facebook', 'FullName', 'Github', 'GuessedFirstName', 'Id', 'Instagram', 'InvoicingSpaceName', 'Linkedin', 'Position', 'ProfileSummary', 'ProfileSummaryHtml', 'ProfileTagsList', 'ProfileWebsite', 'Telegram', 'Twitter', 'UniqueId']);
      assert.deepEqual([alan.GuessedFirstName, alan.ProfileTagsList, alan.InvoicingSpaceName, typeof alan.Id], ['Alan', ['cryptography', 'computing'], 'Default', 'number']);
      assert.match(alan.ProfileSummaryHtml, /<strong>Enigma<\/strong>/);
      assert.ok(!alan.ProfileSummaryHtml.includes('<script'), 'the HTML is sanitized');
    });

    it('query searches name, position, company, summary and tags, best first; tag filters exactly; pages count', async () => {
      assert.deepEqual(names(await get('/api/public/coworkers/published?query=bletchley')).sort(), ['Alan Turing', 'Joan Clarke']);
      assert.deepEqual(names(await get('/api/public/coworkers/published?query=cryptanalyst')), ['Joan Clarke'], 'the private cryptanalyst is not found');
      assert.deepEqual(names(await get('/api/public/coworkers/published?query=turing')), ['Alan Turing']);
      assert.deepEqual(names(await get('/api/public/coworkers/published?query=enigma')), ['Alan Turing']);
      assert.deepEqual(names(await get('/api/public/coworkers/published?tag=computing')), ['Alan Turing', 'Tommy Flowers']);
      assert.deepEqual(names(await get('/api/public/coworkers/published?query=engineer&tag=computing')), ['Tommy Flowers']);
      assert.deepEqual(names(await get('/api/public/coworkers/published?query=&tag=')), ['Alan Turing', 'Joan Clarke', 'Tommy Flowers']);
      const p2 = await get('/api/public/coworkers/published?size=2&page=2');
      assert.deepEqual([names(p2), p2.body.TotalItems, p2.body.TotalPages, p2.body.HasNextPage, p2.body.HasPreviousPage], [['Tommy Flowers'], 3, 2, false, true]);
      const p1 = await get('/api/public/coworkers/published?size=2&page=1&query=computing');
      assert.deepEqual([p1.body.TotalItems, p1.body.HasNextPage], [2, false]);
      const past = await get('/api/public/coworkers/published?size=2&page=5&query=computing');
      assert.deepEqual([names(past), past.body.TotalItems, past.body.TotalPages, past.body.HasPreviousPage], [[], 2, 1, true], 'past the last page: no records, the total still told');
      const none = await get('/api/public/coworkers/published?query=zeppelin');
      assert.deepEqual([names(none), none.body.TotalItems, none.body.TotalPages], [[], 0, 0]);
      for (const bad of ['size=0', 'size=101', 'page=0', 'order=2', 'page=x']) {
        const res = await get(`/api/public/coworkers/published?${bad}`);
        assert.deepEqual([res.status, res.body.WasSuccessful], [400, false], bad);
      }
    });

    it('_shape keeps only the named paths', async () => {
      const res = await get('/api/public/coworkers/published?_shape=Records.FullName,Records.Id,TotalItems');
      assert.deepEqual(Object.keys(res.body).sort(), ['Records', 'TotalItems']);
      for (const r of res.body.Records) assert.deepEqual(Object.keys(r).sort(), ['FullName', 'Id']);
    });

    it('GET /published/{id} by numeric Id or UniqueId; private and other orgs\' profiles → 404', async () => {
      const list = (await get('/api/public/coworkers/published')).body.Records;
      const joan = list.find((r: { FullName: string }) => r.FullName === 'Joan Clarke');
      const byId = await get(`/api/public/coworkers/published/${joan.Id}`);
      assert.equal(byId.status, 200);
      assert.deepEqual(byId.body.Coworker, joan);
      assert.deepEqual((await get(`/api/public/coworkers/published/${joan.UniqueId}`)).body.Coworker, joan);
      assert.deepEqual(Object.keys((await get(`/api/public/coworkers/published/${joan.Id}?_shape=Coworker.FullName`)).body.Coworker), ['FullName']);
      const viewerNumber = (await get('/api/public/coworkers/profiles')).body.Profiles[0].Id;
      for (const id of [viewerNumber, 999_999, 'no-such-profile']) {
        const res = await get(`/api/public/coworkers/published/${id}`);
        assert.deepEqual([res.status, res.body.WasSuccessful, res.body.Status], [404, false, 404], String(id));
      }
      const elsewhere = await server.createUser({ displayName: 'Elsewhere Viewer', org: `nx-elsewhere-${backend.name}` });
      assert.equal((await get(`/api/public/coworkers/published/${joan.Id}`, elsewhere)).status, 404);
      assert.deepEqual(names(await get('/api/public/coworkers/published', elsewhere)), ['Alan Outsider']);
    });
  });
}
