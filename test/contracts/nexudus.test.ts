import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { coworkerFields } from '../../packages/server/src/dialects/nexudus/fields.ts';
import { backends } from '../support/backends.ts';
import { assertCovers, nexudusCountry, pick, startContractServer, writableWireNames, type Answer, type ContractServer, type ContractUser } from './support.ts';

/**
 * Seeds 000/001 (Nexudus' Update Profile) against a server with no configuration: the seed's
 * own example, its ActionConfirmation, and every field of the six sections written once and
 * read back by GET /en/profile?_resource=Coworker.
 */

const PATCH = '/api/public/coworker/profile';
const READ = '/en/profile?_resource=Coworker';
/** The seed's "Example Response", exactly. */
const SEED_SUCCESS = { WasSuccessful: true, Value: null, Status: 200, Message: null, Errors: null };
const ENVELOPE_KEYS = ['WasSuccessful', 'Value', 'Status', 'Message', 'Errors'];
/** Every wire field of the mapping table, in the seed's order: what the PATCH may write and the GET shows. */
const WIRE = writableWireNames(coworkerFields());

/** A failure is the same envelope: WasSuccessful false, the status mirrored, and Errors to check (the seed: "Check this when WasSuccessful is false"). */
function assertFailure(res: Answer, status: number): { PropertyName: string | null; AttemptedValue: unknown; Message: string }[] {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.body).sort(), [...ENVELOPE_KEYS].sort(), res.text);
  assert.equal(res.body.WasSuccessful, false);
  assert.equal(res.body.Status, status);
  assert.equal(res.body.Value, null);
  assert.ok(typeof res.body.Message === 'string' && res.body.Message.length > 0, 'Message says what happened');
  assert.ok(Array.isArray(res.body.Errors) && res.body.Errors.length > 0, `a failure lists its Errors: ${res.text}`);
  for (const e of res.body.Errors) {
    assert.deepEqual(Object.keys(e).sort(), ['AttemptedValue', 'Message', 'PropertyName']);
    assert.equal(typeof e.Message, 'string');
  }
  return res.body.Errors;
}

for (const backend of backends) {
  describe(`contract: Nexudus Update Profile, seeds 000/001, no configuration (${backend.name})`, () => {
    let server: ContractServer;
    let seedUser: ContractUser;
    let roundTrip: ContractUser;
    let other: ContractUser;
    const patch = (u: ContractUser, body: unknown) => server.send('PATCH', PATCH, { token: u.token, body });
    const read = async (u: ContractUser) => {
      const res = await server.send('GET', READ, { token: u.token });
      assert.equal(res.status, 200, res.text);
      return res.body as Record<string, unknown>;
    };

    before(async () => {
      server = await startContractServer(backend);
      [seedUser, roundTrip, other] = await Promise.all([
        server.createUser({ email: 'jane@example.com', displayName: 'Jane' }),
        server.createUser({ email: 'ada@example.com', displayName: 'Ada' }),
        server.createUser({ email: 'grace@example.com', displayName: 'Grace' }),
      ]);
    });
    after(() => server?.close());

    it("PATCH with the seed's TypeScript example → 200 and the seed's ActionConfirmation, Errors null", async () => {
      const res = await patch(seedUser, { FullName: 'Jane Doe', Position: 'Product Designer', ProfileIsPublic: true });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, SEED_SUCCESS);
      assert.deepEqual(Object.keys(res.body), ENVELOPE_KEYS);
      assert.deepEqual(pick(await read(seedUser), ['FullName', 'Position', 'ProfileIsPublic']), { FullName: 'Jane Doe', Position: 'Product Designer', ProfileIsPublic: true });
    });

    it('one PATCH of every field of the six sections → Errors null; GET /en/profile shows each value back exactly, and nothing pending', async () => {
      const [gb, de] = await Promise.all([nexudusCountry(server, 'GB'), nexudusCountry(server, 'DE')]);
      // Each a valid value that differs from a fresh profile's (OnHelpDeskMsg starts true, the other flags false).
      const values: Record<string, unknown> = {
        FullName: 'Ada Lovelace', NickName: 'Countess', Gender: 'Female', DateOfBirth: '1815-12-10', MobilePhone: '+44 7700 900123', LandLine: '020 7946 0018',
        Address: '12 St James’s Square', PostCode: 'SW1Y 4JH', CityName: 'London', State: 'Greater London', CountryId: gb.Id,
        BillingName: 'Analytical Engines Ltd', BillingEmail: 'invoices@engines.example', BillingAddress: 'Unter den Linden 1', BillingPostCode: '10117', BillingCityName: 'Berlin', BillingState: 'Berlin', BillingCountryId: de.Id, TaxIDNumber: 'DE123456789',
        Position: 'Analyst', CompanyName: 'Analytical Engines', BusinessArea: 'Mathematics', ProfileSummary: '# Notes\n\nOn the **Analytical Engine**.', ProfileWebsite: 'https://ada.example', ProfileIsPublic: true, ProfileTags: 'mathematics,engines,poetry',
        Twitter: '@ada', Linkedin: 'https://www.linkedin.com/in/ada', Github: 'ada', Instagram: 'ada.lovelace', Facebook: 'https://facebook.com/ada', Skype: 'ada.lovelace', Telegram: 'adalovelace',
        OnHelpDeskMsg: false, OnNewWallPost: true, OnNewBlogComment: true, OnNewEventComment: true, ReceiveCommunityDigest: true, SignUpToNewsletter: true,
      };
      assertCovers(values, WIRE);
      const res = await patch(roundTrip, values);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, SEED_SUCCESS);
      const back = await read(roundTrip);
      assert.deepEqual(pick(back, WIRE), values);
      assert.deepEqual(Object.keys(back), WIRE, 'GET answers exactly the PATCH fields (no PendingChanges)');
    });

    it('the values written are the one stored profile: GET /login/me and the native profile show them', async () => {
      const me = (await server.send('GET', '/login/me', { token: roundTrip.token })).body;
      assert.deepEqual(pick(me, ['FullName', 'Email', 'OnHelpDeskMsg', 'SignUpToNewsletter']), { FullName: 'Ada Lovelace', Email: 'ada@example.com', OnHelpDeskMsg: false, SignUpToNewsletter: true });
      const native = (await server.send('GET', '/v1/me/profile', { token: roundTrip.token })).body;
      assert.deepEqual(pick(native, ['mobile_phone', 'landline', 'country', 'billing_country', 'tags', 'gender', 'pending_changes']), {
        mobile_phone: '+44 7700 900123', landline: '020 7946 0018', country: 'GB', billing_country: 'DE', tags: ['mathematics', 'engines', 'poetry'], gender: 'female', pending_changes: [],
      });
    });

    it('omitted fields are left unchanged: a PATCH of one field changes that one only', async () => {
      const before = await read(roundTrip);
      assert.deepEqual(await patch(roundTrip, { Position: 'Mathematician' }).then((r) => r.body), SEED_SUCCESS);
      assert.deepEqual(await read(roundTrip), { ...before, Position: 'Mathematician' });
    });

    it('CountryId and BillingCountryId take every Id GET /api/public/countries lists, and read it back', async () => {
      const { Countries } = (await server.send<{ Countries: { Id: number }[] }>('GET', '/api/public/countries')).body;
      assert.ok(Countries.length > 200);
      for (const [i, c] of Countries.entries()) {
        const billing = Countries[(i + 1) % Countries.length]!;
        const res = await patch(other, { CountryId: c.Id, BillingCountryId: billing.Id });
        assert.deepEqual(res.body, SEED_SUCCESS, `Id ${c.Id}`);
        assert.deepEqual(pick(await read(other), ['CountryId', 'BillingCountryId']), { CountryId: c.Id, BillingCountryId: billing.Id });
      }
    });

    it('a CountryId that GET /api/public/countries does not list → 400 ActionConfirmation naming it with the value sent, nothing changed', async () => {
      const listed = new Set((await server.send<{ Countries: { Id: number }[] }>('GET', '/api/public/countries')).body.Countries.map((c) => c.Id));
      const before = await read(other);
      // ISO 3166-1 numeric codes the list does not carry (a retired code, an exceptionally reserved one, none at all).
      for (const id of [0, 1, 10, 200, 530, 736, 891, 999].filter((n) => !listed.has(n))) {
        const errors = assertFailure(await patch(other, { CountryId: id, BillingCountryId: id, NickName: 'changed?' }), 400);
        assert.deepEqual(errors.map((e) => [e.PropertyName, e.AttemptedValue]).sort(), [['BillingCountryId', id], ['CountryId', id]], `Id ${id}`);
      }
      assert.deepEqual(await read(other), before);
    });

    it("a password mismatch (the seed's own example of a validation failure) → 400, Errors [{PropertyName, AttemptedValue, Message}], the password never echoed", async () => {
      const errors = assertFailure(await patch(other, { OldPassword: 'Correct-Horse-Battery-9', NewPassword: 'Another-Horse-Battery-10', RepeatNewPassword: 'Different-Horse-11' }), 400);
      assert.ok(errors.some((e) => e.PropertyName === 'RepeatNewPassword'), JSON.stringify(errors));
      for (const e of errors) assert.equal(e.AttemptedValue, null);
    });

    it('no bearer token → 401 in the ActionConfirmation envelope, with Errors listing the problem', async () => {
      assertFailure(await server.send('PATCH', PATCH, { body: { FullName: 'Nobody' } }), 401);
      assertFailure(await server.send('PATCH', PATCH, { token: 'not-a-token', body: { FullName: 'Nobody' } }), 401);
    });

    it('malformed JSON and bytes that are not UTF-8 → 400 in the ActionConfirmation envelope, with Errors, nothing stored', async () => {
      const before = await read(other);
      assertFailure(await server.send('PATCH', PATCH, { token: other.token, raw: '{"FullName": "Ada' }), 400);
      const invalidUtf8 = Buffer.concat([Buffer.from('{"FullName":"Ada '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
      assertFailure(await server.send('PATCH', PATCH, { token: other.token, raw: invalidUtf8 }), 400);
      assert.deepEqual(await read(other), before);
    });
  });
}
