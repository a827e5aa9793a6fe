import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detailFields, userFields } from '../../packages/server/src/dialects/aisquare/fields.ts';
import { assertView, openapi, sdkExampleBody } from '../aisquare/support/seed.ts';
import { backends } from '../support/backends.ts';
import { assertCovers, pick, startContractServer, writableWireNames, type Answer, type ContractServer, type ContractUser } from './support.ts';

/**
 * Seed 004 (AISquare Studio, PATCH /api/v1/iam/user/profile/, an OpenAPI 3.1 document)
 * against a server with no configuration: the seed's SDK example payload verbatim, and every
 * writable property of PatchedUserProfileUpdate (and its nested IAMUserDetail) written once
 * and read back. Every 200 is validated with Ajv against the seed's own IAMUserDetailView.
 */

const PATH = '/api/v1/iam/user/profile/';
const USER = writableWireNames(userFields());
const DETAILS = writableWireNames(detailFields([]));

/** A 200 whose body is a valid IAMUserDetailView of the seed (Ajv's report otherwise). */
function view(res: Answer): Record<string, any> {
  assert.equal(res.status, 200, res.text);
  assertView(res.body);
  return res.body;
}

for (const backend of backends) {
  describe(`contract: AISquare Update User Profile, seed 004, no configuration (${backend.name})`, () => {
    let server: ContractServer;
    let seedUser: ContractUser;
    let roundTrip: ContractUser;
    let vocab: { skill: number; interest: number; technical: number };
    const patch = (u: ContractUser, body: unknown) => server.send('PATCH', PATH, { token: u.token, body });
    const read = async (u: ContractUser) => view(await server.send('GET', PATH, { token: u.token }));

    before(async () => {
      server = await startContractServer(backend);
      const entry = (kind: string, name: string) => server.cli<{ id: number }>('vocab', 'add', '--kind', kind, '--name', name).then((e) => e.id);
      const [a, b, skill, technical, interest] = await Promise.all([
        server.createUser({ email: 'john@example.com', displayName: 'John' }),
        server.createUser({ email: 'ada@example.com', displayName: 'Ada' }),
        entry('skill', 'Mathematics'),
        entry('skill', 'Machine Learning'),
        entry('investment_interest', 'Computing Machinery'),
      ]);
      [seedUser, roundTrip, vocab] = [a, b, { skill, interest, technical }];
    });
    after(() => server?.close());

    it("the seed's request schema is the mapping's: PatchedUserProfileUpdate's and IAMUserDetail's properties are all writable here", () => {
      const schemas = openapi.components.schemas as Record<string, { properties: Record<string, unknown> }>;
      assert.deepEqual(Object.keys(schemas['PatchedUserProfileUpdate']!.properties), [...USER, 'details']);
      for (const name of DETAILS) assert.ok(name in schemas['IAMUserDetail']!.properties, `${name} is a property of the seed's IAMUserDetail`);
    });

    it("PATCH with the seed's SDK example payload verbatim (\"country\":\"USA\", \"user_type\":\"developer\") → 200, a valid IAMUserDetailView showing what was sent", async () => {
      const raw = sdkExampleBody();
      assert.match(raw, /"country":"USA"/);
      assert.match(raw, /"user_type":"developer"/);
      const body = view(await server.send('PATCH', PATH, { token: seedUser.token, raw }));
      assert.deepEqual(pick(body, ['full_name', 'username', 'user_type', 'bio', 'linkedin_url', 'github_url', 'twitter_url', 'website_url', 'platform_features_emails', 'activity_based_emails']), {
        full_name: 'John Doe', username: 'johndoe', user_type: 'developer', bio: 'Software developer passionate about AI and open source projects',
        linkedin_url: 'https://linkedin.com/in/johndoe', github_url: 'https://github.com/johndoe', twitter_url: 'https://twitter.com/johndoe', website_url: 'https://johndoe.com',
        platform_features_emails: true, activity_based_emails: false,
      });
      // README: alpha-3 "USA" is accepted and the view answers alpha-2.
      assert.equal(body['country'], 'US');
      // The view's focus_area is integer ids (the seed's view types it so); the names are in focus_area_data.
      assert.deepEqual(body['focus_area_data'].map((t: { name: string }) => t.name), ['Machine Learning', 'Python', 'Web Development']);
      assert.equal(body['focus_area'].length, 3);
      assert.ok(body['focus_area'].every(Number.isInteger));
      assert.deepEqual(await read(seedUser), body, 'GET answers what the PATCH answered');
    });

    it('one PATCH of every writable property, each non-default → 200; the view and then GET show each value back exactly', async () => {
      const user = { full_name: 'Ada Lovelace', username: 'ada.lovelace' };
      const details: Record<string, unknown> = {
        profile_picture: 'https://cdn.example.com/ada.png', bio: 'Wrote the **first** program.\n\nFor the Analytical Engine.',
        address: { street: '12 St James’s Square', post_code: 'SW1Y 4JH', city: 'London', state: 'Greater London' }, country: 'GB',
        phone: '+44 7700 900123', dob: '1815-12-10', user_type: 'investor',
        linkedin_url: 'https://www.linkedin.com/in/ada', github_url: 'https://github.com/ada', twitter_url: 'https://twitter.com/ada', facebook_url: 'https://www.facebook.com/ada',
        website_url: 'https://ada.example', portfolio_url: 'https://portfolio.example/ada',
        skills: [vocab.skill], investment_interests: [vocab.interest], technical_interests: [vocab.technical], focus_area: ['Poetical Science', 'Engines'],
        resume: 'https://cdn.example.com/ada-cv.pdf',
        communication_preferences_phone: true, communication_preferences_email: true, platform_features_emails: true, activity_based_emails: true,
        company_info: { name: 'Analytical Engines', founded: 1843, partners: ['Babbage'], remote: false, address: { city: 'London', zip: null } },
        additional_data: { notes: ['Note G'], bernoulli: [1, -0.5, 0.1666], nested: { deeper: { deepest: true } } },
      };
      assertCovers(user, USER);
      assertCovers(details, DETAILS);
      const body = view(await patch(roundTrip, { ...user, details }));
      const { focus_area: _names, ...exact } = details;
      const expected = { ...user, ...exact };
      assert.deepEqual(pick(body, Object.keys(expected)), expected);
      assert.deepEqual(body['focus_area_data'], [{ name: 'Poetical Science' }, { name: 'Engines' }]);
      assert.equal(body['pending_changes'], undefined, 'nothing left pending');
      assert.deepEqual(pick(body['skills_data'][0], ['id', 'name']), { id: vocab.skill, name: 'Mathematics' });
      assert.deepEqual(pick(body['technical_interests_data'][0], ['id', 'name']), { id: vocab.technical, name: 'Machine Learning' });
      assert.deepEqual(pick(body['investment_interests_data'][0], ['id', 'name']), { id: vocab.interest, name: 'Computing Machinery' });
      assert.deepEqual(await read(roundTrip), body);
    });

    it('a GET body PATCHed back as it is (focus_area as ids) → 200 and the same view', async () => {
      const before = await read(roundTrip);
      const details = Object.fromEntries(DETAILS.map((k) => [k, before[k]]));
      const after = view(await patch(roundTrip, { ...pick(before, USER), details }));
      assert.deepEqual(after, before);
    });

    it('omitted properties are left unchanged; a string address is the street line and reads back as that string', async () => {
      const before = await read(roundTrip);
      const body = view(await patch(roundTrip, { details: { address: '1 Dorset Street' } }));
      assert.deepEqual(body, { ...before, address: '1 Dorset Street' });
    });

    it('the values written are the one stored profile: the Nexudus profile shows phone, country and birth date', async () => {
      const coworker = (await server.send('GET', '/en/profile?_resource=Coworker', { token: roundTrip.token })).body;
      const countries = (await server.send<{ Countries: { Id: number; TwoDigitsCode: string }[] }>('GET', '/api/public/countries')).body.Countries;
      assert.deepEqual(pick(coworker, ['FullName', 'MobilePhone', 'DateOfBirth', 'CountryId', 'Address', 'ProfileWebsite']), {
        FullName: 'Ada Lovelace', MobilePhone: '+44 7700 900123', DateOfBirth: '1815-12-10', CountryId: countries.find((c) => c.TwoDigitsCode === 'GB')!.Id, Address: '1 Dorset Street', ProfileWebsite: 'https://ada.example',
      });
    });

    it("a property the seed's URL format refuses → 400 naming it under details, nothing applied", async () => {
      const before = await read(roundTrip);
      const res = await patch(roundTrip, { full_name: 'Changed?', details: { website_url: 'not a url' } });
      assert.equal(res.status, 400, res.text);
      assert.ok(Array.isArray(res.body.details?.website_url), res.text);
      assert.deepEqual(await read(roundTrip), before);
    });

    it('no credentials → 401 with a JSON body', async () => {
      const res = await server.send('PATCH', PATH, { raw: sdkExampleBody() });
      assert.equal(res.status, 401, res.text);
      assert.equal(typeof res.body.detail, 'string');
    });
  });
}
