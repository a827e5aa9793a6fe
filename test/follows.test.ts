import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aisquare } from './aisquare/support/aisquare.ts';
import { backends } from './support/backends.ts';
import { startServer, type TestServer, type TestUser } from './support/server.ts';

for (const backend of backends) {
  describe(`following profiles: POST/DELETE /v1/profiles/{id}/follow, and the counts every view computes (${backend.name})`, () => {
    let server: TestServer;
    let api: ReturnType<typeof aisquare>;
    let ada: TestUser;
    let grace: TestUser;
    let alan: TestUser;
    const follow = (who: TestUser, target: string) => server.request('POST', `/v1/profiles/${target}/follow`, { token: who.token });
    const unfollow = (who: TestUser, target: string) => server.request('DELETE', `/v1/profiles/${target}/follow`, { token: who.token });
    const makePublic = (who: TestUser, isPublic = true) => server.request('PATCH', '/v1/me/profile', { token: who.token, body: { is_public: isPublic } });
    before(async () => {
      server = await startServer(backend);
      api = aisquare(server);
      [ada, grace, alan] = [await server.createUser(), await server.createUser(), await server.createUser()];
      for (const u of [ada, grace, alan]) await makePublic(u);
    });
    after(() => server.close());

    it('following answers the followee as the follower now sees it', async () => {
      const res = await follow(ada, grace.profileId);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { profile_id: grace.profileId, followers_count: 1, following_count: 0, is_following: true, is_followed_back: false });
    });

    it('the counts are real everywhere: the followee\'s followers, the follower\'s following', async () => {
      const graceView = await api.get(grace);
      assert.deepEqual([graceView.body.followers_count, graceView.body.following_count], [1, 0]);
      const adaView = await api.get(ada);
      assert.deepEqual([adaView.body.followers_count, adaView.body.following_count], [0, 1]);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: grace.token })).body.followers_count, 1);
    });

    it('a follow back shows as is_followed_back; following twice changes nothing', async () => {
      const back = await follow(grace, ada.profileId);
      assert.deepEqual([back.body.is_following, back.body.is_followed_back, back.body.followers_count], [true, true, 1]);
      const again = await follow(ada, grace.profileId);
      assert.deepEqual([again.status, again.body.followers_count, again.body.is_followed_back], [200, 1, true]);
    });

    it('a directory page shows the viewer\'s relation to each profile listed (one query for the page)', async () => {
      const relations = async (q: string) => {
        const res = await server.request('GET', `/v1/directory?q=${q}&limit=100`, { token: ada.token });
        assert.equal(res.status, 200, res.text);
        return Object.fromEntries(res.body.profiles.map((p: { id: string; is_following: boolean; is_followed_back: boolean; is_current_user: boolean }) => [p.id, [p.is_following, p.is_followed_back, p.is_current_user]]));
      };
      const all = await relations('');
      assert.deepEqual([all[grace.profileId], all[alan.profileId], all[ada.profileId]], [[true, true, false], [false, false, false], [false, false, true]]);
      // The name's last run of letters and digits ("User 7-1-k3x9q2"): unique to grace.
      const graceName = (await server.request('GET', '/v1/me/profile', { token: grace.token })).body.display_name as string;
      const searched = await relations(encodeURIComponent(graceName.split('-').at(-1)!));
      assert.deepEqual(searched[grace.profileId], [true, true, false], 'a search page too');
    });

    it('unfollowing decrements, and is idempotent', async () => {
      await follow(alan, grace.profileId);
      assert.equal((await api.get(grace)).body.followers_count, 2);
      const res = await unfollow(alan, grace.profileId);
      assert.deepEqual([res.status, res.body.is_following, res.body.followers_count], [200, false, 1]);
      assert.equal((await unfollow(alan, grace.profileId)).status, 200);
      assert.deepEqual([(await api.get(grace)).body.followers_count, (await api.get(alan)).body.following_count], [1, 0]);
    });

    it('following yourself → 400 follow.self', async () => {
      const res = await follow(ada, ada.profileId);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'follow.self');
    });

    it('a private, unknown or other-organization profile → 404, and no relation is made', async () => {
      const hidden = await server.createUser();
      await server.app.services.accounts.createOrg({ slug: `other-${backend.name}`, name: 'Other' });
      const stranger = await server.createUser({ org: `other-${backend.name}` });
      await makePublic(stranger);
      for (const target of [hidden.profileId, stranger.profileId, 'no-such-profile']) {
        const res = await follow(ada, target);
        assert.equal(res.status, 404, target);
        assert.equal(res.body.code, 'profile.not_found');
      }
      assert.equal((await api.get(hidden)).body.followers_count, 0);
    });

    it('a profile that went private after being followed can still be unfollowed', async () => {
      await follow(alan, ada.profileId);
      await makePublic(ada, false);
      try {
        const res = await unfollow(alan, ada.profileId);
        assert.deepEqual([res.status, res.body.is_following], [200, false]);
        assert.equal((await follow(alan, ada.profileId)).status, 404, 'but not followed again while private');
      } finally {
        await makePublic(ada);
      }
    });

    it('needs a signed-in person: no token → 401', async () => {
      assert.equal((await server.request('POST', `/v1/profiles/${grace.profileId}/follow`)).status, 401);
    });
  });
}
