import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountFields } from '../../packages/server/src/dialects/workspace/routes.ts';
import { backends } from '../support/backends.ts';
import { assertCovers, PASSWORD, pick, startContractServer, writableWireNames, type Answer, type ContractServer, type ContractUser } from './support.ts';

/**
 * Seed 002 (the workspace account profile, PUT /api/workspace/account/profile) against a
 * server with no configuration: the seed's generated example, its {Data, Errors, Warnings,
 * Success} envelope, every field it writes read back by GET, access_token in the query, and
 * API keys of service accounts refused with the seed's 403 problem document.
 */

const PATH = '/api/workspace/account/profile';
const ENVELOPE_KEYS = ['Data', 'Errors', 'Success', 'Warnings'];
/** The seed's Data object: UserId, UserName, Email, FirstName, LastName, UserType. */
const DATA_KEYS = accountFields.map((f) => f.wire);
/** What a PUT may write: the seed's request payload. */
const WRITABLE = writableWireNames(accountFields);

type Message = { Code: string | null; Message: string | null; Target?: string | null; Field?: string | null; Metadata?: Record<string, string | null>; Type?: number; Severity?: number };

/** The seed's envelope: Data's six properties typed as it types them; each message with its required Code and Message and Type/Severity in 0..2. */
function assertEnvelope(res: Answer, status: number): { Data: Record<string, unknown>; Errors: Message[] | null; Warnings: Message[] | null; Success: boolean } {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.body).sort(), ENVELOPE_KEYS, res.text);
  const { Data, Errors, Warnings, Success } = res.body;
  assert.equal(typeof Success, 'boolean');
  assert.deepEqual(Object.keys(Data).sort(), [...DATA_KEYS].sort());
  for (const k of ['UserId', 'UserName', 'Email', 'FirstName', 'LastName']) assert.ok(Data[k] === null || typeof Data[k] === 'string', `${k} is string | null`);
  assert.ok([0, 1, 2].includes(Data.UserType), 'UserType is 0, 1 or 2');
  for (const list of [Errors, Warnings]) {
    assert.ok(list === null || Array.isArray(list));
    for (const m of list ?? []) {
      assert.ok('Code' in m && 'Message' in m, `Code and Message are required: ${JSON.stringify(m)}`);
      for (const k of ['Code', 'Message', 'Target', 'Field'] as const) assert.ok(m[k] === undefined || m[k] === null || typeof m[k] === 'string');
      for (const k of ['Type', 'Severity'] as const) assert.ok(m[k] === undefined || [0, 1, 2].includes(m[k]), `${k} in 0..2`);
      assert.ok(m.Metadata === undefined || Object.values(m.Metadata).every((v) => v === null || typeof v === 'string'), 'Metadata values are strings');
    }
  }
  return res.body;
}

for (const backend of backends) {
  describe(`contract: workspace account profile, seed 002, no configuration (${backend.name})`, () => {
    let server: ContractServer;
    let seedUser: ContractUser;
    let roundTrip: ContractUser;
    let serviceKey: string;
    const put = (u: ContractUser, body: unknown) => server.send('PUT', PATH, { token: u.token, body });
    const read = async (u: ContractUser) => assertEnvelope(await server.send('GET', PATH, { token: u.token }), 200).Data;

    before(async () => {
      server = await startContractServer(backend);
      const apiKey = async () => {
        const service = await server.cli<{ id: string }>('user', 'create', '--email', 'robot@example.com', '--password', PASSWORD, '--kind', 'service');
        return (await server.cli<{ key: string }>('apikey', 'create', '--user', service.id)).key;
      };
      [seedUser, roundTrip, serviceKey] = await Promise.all([
        server.createUser({ email: 'sam@example.com', displayName: 'Sam' }),
        server.createUser({ email: 'ada@example.com', displayName: 'Ada' }),
        apiKey(),
      ]);
    });
    after(() => server?.close());

    it("GET → 200 in the seed's envelope: Data with UserId, UserName, Email, FirstName, LastName and UserType 0 for a person", async () => {
      const env = assertEnvelope(await server.send('GET', PATH, { token: seedUser.token }), 200);
      assert.equal(env.Success, true);
      assert.deepEqual(pick(env.Data, ['UserId', 'UserName', 'Email', 'UserType']), { UserId: seedUser.id, UserName: seedUser.username, Email: 'sam@example.com', UserType: 0 });
    });

    it("PUT with the seed's generated example verbatim → the seed's envelope; its Email \"example\" is no address, so 400 with Errors at Email, Data as stored, nothing applied", async () => {
      const before = await read(seedUser);
      const res = await server.send('PUT', PATH, { token: seedUser.token, raw: '{ "UserName": "example", "Email": "example", "FirstName": "example", "LastName": "example" }' });
      const env = assertEnvelope(res, 400);
      assert.equal(env.Success, false);
      assert.deepEqual(env.Data, before);
      assert.deepEqual(env.Errors?.map((e) => [e.Field, e.Code, e.Type, e.Severity]), [['Email', 'email.invalid', 0, 0]]);
      assert.deepEqual(await read(seedUser), before);
    });

    it("the seed's example with the Email left out → 200, Success true, no Errors, and GET shows UserName, FirstName, LastName \"example\"", async () => {
      const env = assertEnvelope(await put(seedUser, { UserName: 'example', FirstName: 'example', LastName: 'example' }), 200);
      assert.equal(env.Success, true);
      assert.deepEqual(env.Errors ?? [], []);
      assert.deepEqual(pick(await read(seedUser), ['UserName', 'FirstName', 'LastName']), { UserName: 'example', FirstName: 'example', LastName: 'example' });
    });

    it('one PUT of every field the seed writes → UserName, FirstName, LastName at once; the login Email (verified by default, VERIFY_CHANGES=email) after the code mailed to it, with the seed-shaped warning meanwhile', async () => {
      const values = { UserName: 'ada.lovelace', Email: 'countess@lovelace.example', FirstName: 'Augusta Ada', LastName: 'King' };
      assertCovers(values, WRITABLE);
      const env = assertEnvelope(await put(roundTrip, values), 200);
      assert.equal(env.Success, true);
      const applied = { ...values, Email: roundTrip.email };
      assert.deepEqual(pick(env.Data, WRITABLE), applied);
      const waiting = assertEnvelope(await server.send('GET', PATH, { token: roundTrip.token }), 200);
      assert.deepEqual(pick(waiting.Data, WRITABLE), applied);
      assert.deepEqual(waiting.Warnings?.map((w) => [w.Code, w.Field, w.Severity, (w.Metadata as Record<string, string>)['PendingValue']]), [['email.unverified', 'Email', 1, values.Email]]);
      // The code goes to the new address through the outbox (the file transport: no SMTP_URL).
      let code: string | undefined;
      for (let i = 0; i < 100 && !code; i++) {
        const mails = await server.cli<{ to: string; text: string }[]>('mail', 'list');
        code = /code is (\d{6})/.exec(mails.find((m) => m.to.includes(values.Email))?.text ?? '')?.[1];
        if (!code) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(code, 'the verification mail arrived');
      assert.equal((await server.send('POST', '/v1/me/verify', { token: roundTrip.token, body: { field: 'email', code } })).status, 200);
      const got = assertEnvelope(await server.send('GET', PATH, { token: roundTrip.token }), 200);
      assert.deepEqual(pick(got.Data, WRITABLE), values);
      assert.deepEqual(got.Warnings ?? [], [], 'nothing left pending');
      assert.deepEqual(pick(got.Data, ['UserId', 'UserType']), { UserId: roundTrip.id, UserType: 0 });
    });

    it('omitted fields are left unchanged: a PUT of FirstName only changes FirstName', async () => {
      const before = await read(roundTrip);
      assertEnvelope(await put(roundTrip, { FirstName: 'Ada' }), 200);
      assert.deepEqual(await read(roundTrip), { ...before, FirstName: 'Ada' });
    });

    it('the values written are the one stored profile: the native profile shows the names', async () => {
      const native = (await server.send('GET', '/v1/me/profile', { token: roundTrip.token })).body;
      assert.deepEqual(pick(native, ['given_name', 'family_name']), { given_name: 'Ada', family_name: 'King' });
    });

    it('access_token in the query instead of the Authorization header → the same 200 answer', async () => {
      const viaHeader = await read(roundTrip);
      const res = await server.send('GET', `${PATH}?access_token=${encodeURIComponent(roundTrip.token)}`);
      assert.deepEqual(assertEnvelope(res, 200).Data, viaHeader);
      const put = await server.send('PUT', `${PATH}?access_token=${encodeURIComponent(roundTrip.token)}`, { body: { LastName: 'Lovelace' } });
      assert.equal(assertEnvelope(put, 200).Data['LastName'], 'Lovelace');
    });

    it("a service account's API key → 403 with the seed's problem document {type, title, status, detail, instance}", async () => {
      for (const method of ['GET', 'PUT']) {
        const res = await server.send(method, PATH, { token: serviceKey, ...(method === 'PUT' ? { body: { FirstName: 'Robot' } } : {}) });
        assert.equal(res.status, 403, res.text);
        const body = res.body as Record<string, unknown>;
        for (const k of ['type', 'title', 'detail', 'instance']) assert.ok(body[k] === null || typeof body[k] === 'string', `${k} is string | null`);
        assert.equal(body['status'], 403);
      }
    });
  });
}
