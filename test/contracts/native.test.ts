import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registry } from '@profiled/core';
import { backends } from '../support/backends.ts';
import { assertCovers, pick, startContractServer, type ContractServer, type ContractUser } from './support.ts';

/**
 * The native API (/v1, README "Native API") against a server with no configuration: every
 * registry field a person may write, set by one JSON merge patch (RFC 7396) and read back by
 * GET /v1/me/profile; ETag/If-Match; RFC 9457 problems. The login email is the one field
 * the defaults verify first (VERIFY_CHANGES=email), so it has its own test.
 */

const PROFILE = '/v1/me/profile';
const MERGE_PATCH = 'application/merge-patch+json';
/** Every field the registry lets the person write (writer "self"), in registry order. */
const SELF_WRITABLE = registry.filter((f) => f.writer === 'self').map((f) => f.name);
/** Verified before it applies, by default: see the email test below. */
const VERIFIED_BY_DEFAULT = ['email'];
const ROUND_TRIP = SELF_WRITABLE.filter((n) => !VERIFIED_BY_DEFAULT.includes(n));

for (const backend of backends) {
  describe(`contract: native profile API, no configuration (${backend.name})`, () => {
    let server: ContractServer;
    let user: ContractUser;
    let other: ContractUser;
    let vocab: { skill: number; interest: number; technical: number };
    const patch = (u: ContractUser, body: unknown, headers: Record<string, string> = {}) =>
      server.send('PATCH', PROFILE, { token: u.token, raw: JSON.stringify(body), contentType: MERGE_PATCH, headers });
    const read = async (u: ContractUser) => {
      const res = await server.send('GET', PROFILE, { token: u.token });
      assert.equal(res.status, 200, res.text);
      return res;
    };

    before(async () => {
      server = await startContractServer(backend);
      const entry = (kind: string, name: string) => server.cli<{ id: number }>('vocab', 'add', '--kind', kind, '--name', name).then((e) => e.id);
      const [a, b, skill, technical, interest] = await Promise.all([
        server.createUser({ email: 'ada@example.com', displayName: 'Ada' }),
        server.createUser({ email: 'grace@example.com', displayName: 'Grace' }),
        entry('skill', 'Mathematics'),
        entry('skill', 'Machine Learning'),
        entry('investment_interest', 'Computing Machinery'),
      ]);
      [user, other, vocab] = [a, b, { skill, interest, technical }];
    });
    after(() => server?.close());

    it('one merge patch of every self-writable registry field, each non-default → 200 with each value; GET shows each back exactly, nothing pending', async () => {
      // Each valid and different from a fresh profile's default (notify_help_desk starts true, the other flags false).
      const values: Record<string, unknown> = {
        username: 'ada.lovelace', given_name: 'Augusta Ada', family_name: 'King', display_name: 'Ada Lovelace', nickname: 'Countess', gender: 'female',
        date_of_birth: '1815-12-10', preferred_language: 'en-GB', mobile_phone: '+44 7700 900123', landline: '020 7946 0018',
        street: '12 St James’s Square', post_code: 'SW1Y 4JH', city: 'London', state: 'Greater London', country: 'GB',
        billing_name: 'Analytical Engines Ltd', billing_email: 'invoices@engines.example', billing_street: 'Unter den Linden 1', billing_post_code: '10117', billing_city: 'Berlin', billing_state: 'Berlin', billing_country: 'DE', tax_id: 'DE123456789',
        position: 'Analyst', company_name: 'Analytical Engines', business_area: 'Mathematics', summary: '# Notes\n\nOn the **Analytical Engine**.', website: 'https://ada.example', is_public: true, tags: ['mathematics', 'engines'],
        picture: 'https://cdn.example.com/ada.png', resume: 'https://cdn.example.com/ada-cv.pdf',
        twitter: '@ada', linkedin: 'https://www.linkedin.com/in/ada', github: 'ada', instagram: 'ada.lovelace', facebook: 'https://facebook.com/ada', skype: 'ada.lovelace', telegram: 'adalovelace', portfolio: 'https://portfolio.example/ada',
        notify_help_desk: false, notify_wall_post: true, notify_blog_comment: true, notify_event_comment: true, community_digest: true, newsletter: true,
        contact_by_phone: true, contact_by_email: true, platform_feature_emails: true, activity_emails: true,
        member_type: 'investor', skills: [vocab.skill], investment_interests: [vocab.interest], technical_interests: [vocab.technical],
        company_info: { name: 'Analytical Engines', founded: 1843, partners: ['Babbage'] }, additional_data: { notes: ['Note G'], nested: { deeper: { deepest: true } } },
      };
      assertCovers(values, ROUND_TRIP);
      const res = await patch(user, values);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(pick(res.body, ROUND_TRIP), values);
      const got = await read(user);
      assert.deepEqual(pick(got.body, ROUND_TRIP), values);
      assert.deepEqual(got.body.pending_changes, [], 'nothing left pending');
      assert.equal(got.headers.get('etag'), res.headers.get('etag'), 'the ETag of the write is the ETag of the read');
    });

    it('merge patch semantics: an omitted field stays, null clears a nullable one, and an object merges into a JSON field (a null member removes it)', async () => {
      assert.equal((await patch(other, { nickname: 'Amazing Grace', company_info: { name: 'Analytical Engines', founded: 1843, partners: ['Babbage'] } })).status, 200);
      const before = (await read(other)).body;
      const res = await patch(other, { nickname: null, position: 'Mathematician', company_info: { founded: null, city: 'London' } });
      assert.equal(res.status, 200, res.text);
      const after = (await read(other)).body;
      assert.deepEqual(
        { ...after, version: before.version, updated_at: before.updated_at },
        { ...before, nickname: null, position: 'Mathematician', company_info: { name: 'Analytical Engines', partners: ['Babbage'], city: 'London' } },
      );
    });

    it('the values written are the one stored profile: Nexudus, ZITADEL, workspace and AISquare read them', async () => {
      const coworker = (await server.send('GET', '/en/profile?_resource=Coworker', { token: user.token })).body;
      assert.deepEqual(pick(coworker, ['FullName', 'MobilePhone', 'LandLine', 'Gender', 'ProfileTags', 'SignUpToNewsletter']), {
        FullName: 'Ada Lovelace', MobilePhone: '+44 7700 900123', LandLine: '020 7946 0018', Gender: 'Female', ProfileTags: 'mathematics,engines', SignUpToNewsletter: true,
      });
      const zitadel = (await server.send('GET', '/auth/v1/users/me/profile', { token: user.token })).body;
      assert.deepEqual(pick(zitadel.profile, ['firstName', 'lastName', 'preferredLanguage', 'gender']), { firstName: 'Augusta Ada', lastName: 'King', preferredLanguage: 'en-GB', gender: 'GENDER_FEMALE' });
      const workspace = (await server.send('GET', '/api/workspace/account/profile', { token: user.token })).body;
      assert.deepEqual(pick(workspace.Data, ['UserName', 'FirstName', 'LastName']), { UserName: 'ada.lovelace', FirstName: 'Augusta Ada', LastName: 'King' });
      const aisquare = (await server.send('GET', '/api/v1/iam/user/profile/', { token: user.token })).body;
      assert.deepEqual(pick(aisquare, ['phone', 'dob', 'country', 'user_type', 'skills']), { phone: '+44 7700 900123', dob: '1815-12-10', country: 'GB', user_type: 'investor', skills: [vocab.skill] });
    });

    it('a new email waits for the code mailed to it (the default VERIFY_CHANGES=email): email unchanged, pending_changes lists it, the rest applied', async () => {
      const res = await patch(other, { email: 'grace.hopper@navy.example', position: 'Rear Admiral' });
      assert.equal(res.status, 200, res.text);
      const got = (await read(other)).body;
      assert.deepEqual(pick(got, ['email', 'position']), { email: 'grace@example.com', position: 'Rear Admiral' });
      assert.deepEqual(got.pending_changes.map((p: { field: string; value: string }) => [p.field, p.value]), [['email', 'grace.hopper@navy.example']]);
    });

    it('GET answers the version as ETag; If-None-Match with it → 304; PATCH with a stale If-Match → 412 problem, nothing changed', async () => {
      const first = await read(other);
      const etag = first.headers.get('etag');
      assert.ok(etag, 'an ETag');
      assert.equal((await server.send('GET', PROFILE, { token: other.token, headers: { 'if-none-match': etag } })).status, 304);
      assert.equal((await patch(other, { position: 'Commodore' }, { 'if-match': etag })).status, 200);
      const stale = await patch(other, { position: 'Lost update' }, { 'if-match': etag });
      assert.equal(stale.status, 412, stale.text);
      assert.match(stale.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal((await read(other)).body.position, 'Commodore');
    });

    it('an unknown or read-only field → 400 problem details naming each under errors[].pointer, nothing applied', async () => {
      const before = (await read(other)).body;
      const res = await patch(other, { position: 'Changed?', favourite_colour: 'blue', followers_count: 1000, top_domain_elo: 9000 });
      assert.equal(res.status, 400, res.text);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(typeof res.body.code, 'string');
      assert.deepEqual(res.body.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/favourite_colour', '/followers_count', '/top_domain_elo']);
      assert.deepEqual((await read(other)).body, before);
    });
  });
}
