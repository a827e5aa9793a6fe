import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import endpoints from '@profiled/client/nexudus/endpoints';
import type { ActionConfirmation } from '@profiled/client/nexudus/ActionConfirmation';
import { createHttpClient, type CoworkerProfile, type CoworkerProfileUpdate, type PublishedList } from '@profiled/client/nexudus';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

// Type tests: `tsc` (part of `npm test`) fails if any of these lines stops being an error.
const typeChecks = (update: CoworkerProfileUpdate, profile: CoworkerProfile, confirmation: ActionConfirmation) => {
  const ok: CoworkerProfileUpdate = { FullName: 'Jane', NickName: null, CountryId: 826, ProfileIsPublic: true, ProfileTags: 'a,b', OldPassword: 'x', NewPassword: 'y', RepeatNewPassword: 'y' };
  // @ts-expect-error FullName is `string`, not `string | null`
  const nullName: CoworkerProfileUpdate = { FullName: null };
  // @ts-expect-error CountryId is a number
  const countryCode: CoworkerProfileUpdate = { CountryId: 'GB' };
  // @ts-expect-error there is no such field
  const unknown: CoworkerProfileUpdate = { Bogus: 1 };
  // @ts-expect-error ProfileIsPublic is a boolean
  const publicFlag: CoworkerProfileUpdate = { ProfileIsPublic: 'yes' };
  // @ts-expect-error endpoints are constants
  endpoints.profile.patch = '/elsewhere';
  // @ts-expect-error a read never carries a password
  void profile.NewPassword;
  const country: number | null = profile.CountryId;
  const property: string | null | undefined = confirmation.Errors?.[0]?.PropertyName;
  return [ok, nullName, countryCode, unknown, publicFlag, country, property, update];
};
void typeChecks;

for (const backend of backends) {
  describe(`the typed Nexudus client, as the seed's snippet uses it (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('httpClient.patch<ActionConfirmation>(endpoints.profile.patch, …) works as the seed shows', async () => {
      const httpClient = createHttpClient({ baseUrl: server.url, token: () => user.token });
      const result = await httpClient.patch<ActionConfirmation>(endpoints.profile.patch, {
        FullName: 'Jane Doe',
        Position: 'Product Designer',
        ProfileIsPublic: true,
      });
      let refreshed: CoworkerProfile | undefined;
      if (result.data.WasSuccessful) {
        // Refresh profile data and show success toast
        refreshed = (await httpClient.get<CoworkerProfile>(endpoints.profile.get)).data;
      }
      assert.deepEqual(result.data, { WasSuccessful: true, Value: null, Status: 200, Message: null, Errors: null });
      assert.deepEqual([refreshed?.FullName, refreshed?.Position, refreshed?.ProfileIsPublic], ['Jane Doe', 'Product Designer', true]);
    });

    it('a 400 resolves with the envelope, so callers read WasSuccessful and Errors; the other paths answer', async () => {
      const httpClient = createHttpClient({ baseUrl: server.url, token: () => user.token });
      const update: CoworkerProfileUpdate = { CountryId: 1 };
      const result = await httpClient.patch<ActionConfirmation>(endpoints.profile.patch, update);
      assert.deepEqual([result.status, result.data.WasSuccessful, result.data.Errors?.map((e) => e.PropertyName)], [400, false, ['CountryId']]);
      assert.equal((await httpClient.get<{ UserId: string }>(endpoints.session.me)).data.UserId, user.id);
      const directory = await httpClient.get<PublishedList>(endpoints.directory.list);
      assert.deepEqual(directory.data.Records.map((r) => r.FullName), ['Jane Doe']);
      assert.equal((await httpClient.get(endpoints.directory.get(directory.data.Records[0]!.Id))).status, 200);
      assert.equal((await httpClient.get(endpoints.countries)).status, 200);
      assert.equal((await httpClient.get(endpoints.profiles.list)).status, 200);
      const generated = await httpClient.post<ActionConfirmation>(endpoints.profile.generateSummary);
      assert.equal(generated.data.WasSuccessful, true);
      assert.equal(typeof generated.data.Value, 'string');
    });
  });
}
