import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from './support/backends.ts';
import { startServer, type TestServer, type TestUser } from './support/server.ts';

for (const backend of backends) {
  describe(`one account, profiles in several organizations (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    let second: { id: string; org_id: string };
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser({ displayName: 'Home Self' });
      await server.app.services.accounts.createOrg({ slug: `annex-${backend.name}`, name: 'Annex' });
      second = await server.app.services.accounts.addProfile(user.username, `annex-${backend.name}`, 'Annex Self');
    });
    after(() => server.close());

    it('GET /v1/me/profiles lists both, the default org\'s active', async () => {
      const res = await server.request('GET', '/v1/me/profiles', { token: user.token });
      assert.deepEqual(res.body.profiles.map((p: { display_name: string; active: boolean }) => [p.display_name, p.active]), [['Home Self', true], ['Annex Self', false]]);
    });

    it('activating the second answers a token for it; me endpoints then read and change only that profile', async () => {
      const res = await server.request('POST', `/v1/me/profiles/${second.id}/activate`, { token: user.token });
      assert.equal(res.status, 200);
      const token = res.body.access_token as string;
      const me = await server.request('GET', '/v1/me/profile', { token });
      assert.equal(me.body.id, second.id);
      assert.equal(me.body.org_id, second.org_id);
      await server.request('PATCH', '/v1/me/profile', { token, body: { position: 'Annex lead' } });
      const home = await server.request('GET', '/v1/me/profile', { token: user.token });
      assert.equal(home.body.position, null, 'the first profile is untouched');
      const refreshed = await server.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: user.refreshToken } });
      const viaRefresh = await server.request('GET', '/v1/me/profile', { token: refreshed.body.access_token });
      assert.equal(viaRefresh.body.id, second.id, 'the session follows the switch');
    });

    it('another account\'s profile, or an unknown id, cannot be activated → 404', async () => {
      const other = await server.createUser();
      for (const id of [other.profileId, 'nope']) {
        const res = await server.request('POST', `/v1/me/profiles/${id}/activate`, { token: user.token });
        assert.equal(res.status, 404);
        assert.equal(res.body.code, 'profile.not_found');
      }
    });

    it('a second profile in the same organization is refused', async () => {
      await assert.rejects(server.app.services.accounts.addProfile(user.username, `annex-${backend.name}`), /already has a profile/);
    });
  });
}
