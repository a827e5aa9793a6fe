import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { profileFields } from '../../packages/server/src/dialects/zitadel/fields.ts';
import { backends } from '../support/backends.ts';
import { assertCovers, pick, startContractServer, writableWireNames, type Answer, type ContractServer, type ContractUser } from './support.ts';

/**
 * Seed 003 (ZITADEL auth API v1, Update My Profile: PUT /auth/v1/users/me/profile) against a
 * server with no configuration: the seed's example body and curl call, the response's
 * details{sequence, changeDate, resourceOwner}, every field of the request read back by
 * GET, and the seed's "required, non-empty, ≤ 200" rules answered as gRPC-gateway errors.
 */

const PATH = '/auth/v1/users/me/profile';
/** The seed's example, byte for byte as its curl --data-raw sends it. */
const SEED_EXAMPLE = `{
"firstName": "Minnie",
"lastName": "Mouse",
"nickName": "Minnie",
"displayName": "Minnie Mouse",
"preferredLanguage": "en",
"gender": "GENDER_UNSPECIFIED"
}`;
const FIELDS = writableWireNames(profileFields);

/** The seed's response: `details` with a uint64 `sequence` (a string on the JSON wire), a date-time `changeDate`, the `resourceOwner`. */
function assertDetails(res: Answer): { sequence: string; changeDate: string; resourceOwner: string } {
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(Object.keys(res.body), ['details'], res.text);
  const d = res.body.details;
  assert.ok(Object.keys(d).every((k) => ['sequence', 'creationDate', 'changeDate', 'resourceOwner'].includes(k)), `only the seed's details properties: ${res.text}`);
  assert.match(String(d.sequence), /^[1-9]\d*$/, 'sequence is a uint64');
  assert.match(d.changeDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'changeDate is an RFC 3339 date-time');
  assert.ok(!Number.isNaN(Date.parse(d.changeDate)));
  assert.ok(typeof d.resourceOwner === 'string' && d.resourceOwner.length > 0, 'resourceOwner names the organization');
  return d;
}

/** A gRPC-gateway error: {code, message, details}, INVALID_ARGUMENT (3) for a field rule. */
function assertInvalidArgument(res: Answer): void {
  assert.equal(res.status, 400, res.text);
  assert.equal(res.body.code, 3, res.text);
  assert.equal(typeof res.body.message, 'string');
  assert.ok(Array.isArray(res.body.details));
}

for (const backend of backends) {
  describe(`contract: ZITADEL Update My Profile, seed 003, no configuration (${backend.name})`, () => {
    let server: ContractServer;
    let seedUser: ContractUser;
    let roundTrip: ContractUser;
    const put = (u: ContractUser, body: unknown) => server.send('PUT', PATH, { token: u.token, body });
    const read = async (u: ContractUser) => {
      const res = await server.send('GET', PATH, { token: u.token });
      assert.equal(res.status, 200, res.text);
      return res.body as { details: Record<string, string>; profile: Record<string, unknown> };
    };

    before(async () => {
      server = await startContractServer(backend);
      [seedUser, roundTrip] = await Promise.all([
        server.createUser({ email: 'minnie@example.com', displayName: 'Minnie' }),
        server.createUser({ email: 'ada@example.com', displayName: 'Ada' }),
      ]);
    });
    after(() => server?.close());

    it("PUT with the seed's example, as its curl call sends it → 200 {details: {sequence, changeDate, resourceOwner}}", async () => {
      const before = await read(seedUser);
      const res = await server.send('PUT', PATH, { token: seedUser.token, raw: SEED_EXAMPLE });
      const details = assertDetails(res);
      assert.ok(BigInt(details.sequence) > BigInt(before.details['sequence']!), 'the sequence of the change is past the one read before');
      assert.equal(details.resourceOwner, before.details['resourceOwner']);
      assert.deepEqual(pick((await read(seedUser)).profile, FIELDS), JSON.parse(SEED_EXAMPLE));
    });

    it('one PUT of every field of the request, each non-default → details; GET shows each value back exactly', async () => {
      const values = { firstName: 'Augusta Ada', lastName: 'King', nickName: 'Ada', displayName: 'Ada Lovelace', preferredLanguage: 'en-GB', gender: 'GENDER_FEMALE' };
      assertCovers(values, FIELDS);
      const details = assertDetails(await put(roundTrip, values));
      const got = await read(roundTrip);
      assert.deepEqual(pick(got.profile, FIELDS), values);
      assert.equal(got.details['sequence'], details.sequence, 'GET reads the sequence of the last change');
      assert.equal(got.details['resourceOwner'], details.resourceOwner);
    });

    it('each further change answers a greater sequence; every gender constant of the seed round-trips', async () => {
      let last = BigInt((await read(roundTrip)).details['sequence']!);
      for (const gender of ['GENDER_MALE', 'GENDER_DIVERSE', 'GENDER_UNSPECIFIED', 'GENDER_FEMALE']) {
        const d = assertDetails(await put(roundTrip, { firstName: 'Augusta Ada', lastName: 'King', displayName: 'Ada Lovelace', nickName: 'Ada', preferredLanguage: 'en-GB', gender }));
        assert.ok(BigInt(d.sequence) > last, `${gender}: sequence increases`);
        last = BigInt(d.sequence);
        assert.equal((await read(roundTrip)).profile['gender'], gender);
      }
    });

    it('the values written are the one stored profile: the native profile shows them', async () => {
      const native = (await server.send('GET', '/v1/me/profile', { token: roundTrip.token })).body;
      assert.deepEqual(pick(native, ['given_name', 'family_name', 'nickname', 'display_name', 'preferred_language', 'gender']), {
        given_name: 'Augusta Ada', family_name: 'King', nickname: 'Ada', display_name: 'Ada Lovelace', preferred_language: 'en-GB', gender: 'female',
      });
    });

    it('firstName, lastName and displayName are required and non-empty, at most 200 characters → 400 INVALID_ARGUMENT, nothing changed', async () => {
      const before = await read(roundTrip);
      const full = { firstName: 'Augusta Ada', lastName: 'King', displayName: 'Ada Lovelace', nickName: 'Changed?' };
      for (const name of ['firstName', 'lastName', 'displayName'] as const) {
        const { [name]: _omitted, ...without } = full;
        assertInvalidArgument(await put(roundTrip, without));
        assertInvalidArgument(await put(roundTrip, { ...full, [name]: '' }));
        assertInvalidArgument(await put(roundTrip, { ...full, [name]: 'x'.repeat(201) }));
      }
      assertInvalidArgument(await put(roundTrip, { ...full, nickName: '' }));
      assertInvalidArgument(await put(roundTrip, { ...full, preferredLanguage: 'x'.repeat(11) }));
      assertInvalidArgument(await put(roundTrip, { ...full, gender: 'GENDER_OTHER' }));
      assert.deepEqual(await read(roundTrip), before);
    });

    it('200 characters exactly is accepted for each name (the seed\'s "<= 200")', async () => {
      const long = 'x'.repeat(200);
      assertDetails(await put(roundTrip, { firstName: long, lastName: long, displayName: long, nickName: long }));
      assert.deepEqual(pick((await read(roundTrip)).profile, ['firstName', 'lastName', 'displayName', 'nickName']), { firstName: long, lastName: long, displayName: long, nickName: long });
    });

    it('no bearer token → 401 UNAUTHENTICATED (16) as a gRPC-gateway error', async () => {
      const res = await server.send('PUT', PATH, { raw: SEED_EXAMPLE });
      assert.equal(res.status, 401, res.text);
      assert.deepEqual([res.body.code, typeof res.body.message], [16, 'string']);
    });
  });
}
