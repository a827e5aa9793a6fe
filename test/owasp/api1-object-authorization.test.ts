import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { surfaces } from './surfaces.ts';

/**
 * OWASP API1:2023 Broken Object Level Authorization: no id in any path, query or body lets
 * one account read or change another's profile, on any surface.
 */
for (const backend of backends) {
  describe(`API1 object level authorization (${backend.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let mallory: TestUser;
    let aliceBefore: Record<string, unknown>;
    before(async () => {
      server = await startServer(backend);
      alice = await server.createUser({ displayName: 'Alice' });
      mallory = await server.createUser({ displayName: 'Mallory' });
      aliceBefore = (await server.request('GET', '/v1/me/profile', { token: alice.token })).body;
    });
    after(() => server.close());

    const aliceUnchanged = async () => assert.deepEqual((await server.request('GET', '/v1/me/profile', { token: alice.token })).body, aliceBefore);

    for (const surface of surfaces) {
      it(`${surface.name}: Alice's ids in the query or body never reach Alice`, async () => {
        const ids = `id=${alice.profileId}&profile_id=${alice.profileId}&user_id=${alice.id}&account_id=${alice.id}`;
        const read = await server.request('GET', `${surface.read}${surface.read.includes('?') ? '&' : '?'}${ids}`, { token: mallory.token });
        assert.equal(read.status, 200);
        assert.ok(!read.text.includes('Alice'), `${surface.name} read Alice's profile`);
        for (const field of ['id', 'account_id']) {
          const body = surface.body(field, field === 'id' ? alice.profileId : alice.id);
          if (!body) continue;
          await server.request(surface.write.method, `${surface.write.path}?${ids}`, { token: mallory.token, body: { ...body, ...surface.body('display_name', 'Pwned') } });
        }
        await aliceUnchanged();
      });
    }

    it('object endpoints check the object: private directory entries, follows, activation and admin writes', async () => {
      assert.equal((await server.request('GET', `/v1/directory/${alice.profileId}`, { token: mallory.token })).status, 404, 'Alice is not public');
      assert.equal((await server.request('POST', `/v1/profiles/${alice.profileId}/follow`, { token: mallory.token })).status, 404);
      assert.equal((await server.request('POST', `/v1/me/profiles/${alice.profileId}/activate`, { token: mallory.token })).status, 404);
      const admin = await server.request('PATCH', `/v1/admin/profiles/${alice.profileId}`, { token: mallory.token, body: { display_name: 'Pwned' } });
      assert.equal(admin.status, 403);
      await aliceUnchanged();
    });
  });
}
