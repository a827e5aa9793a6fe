import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { aisquare, createAdmin } from './support/aisquare.ts';

const STANDING = ['top_domain_elo', 'top_domain_rank', 'streak', 'highest_streak', 'streak_freeze_days', 'title', 'unlocked_titles'];

for (const backend of backends) {
  describe(`ranking, streak and title: admin-set, read-only to the person (${backend.name})`, () => {
    let server: TestServer;
    let api: ReturnType<typeof aisquare>;
    let admin: TestUser;
    let person: TestUser;
    const adminPatch = (who: TestUser, profileId: string, body: unknown) => server.request('PATCH', `/v1/admin/profiles/${profileId}`, { token: who.token, body });
    before(async () => {
      server = await startServer(backend);
      api = aisquare(server);
      admin = await createAdmin(server);
      person = await server.createUser();
    });
    after(() => server.close());

    it('a fresh profile shows the documented defaults: 0, 0, "0", "0", "0", "", ""', async () => {
      const res = await api.get(person);
      assert.deepEqual(STANDING.map((f) => res.body[f]), [0, 0, '0', '0', '0', '', '']);
    });

    it('an admin sets them (PATCH /v1/admin/profiles/{id}); the person sees them through AISquare', async () => {
      const res = await adminPatch(admin, person.profileId, { top_domain_elo: 1834.5, top_domain_rank: 12, streak: '41', highest_streak: '97', streak_freeze_days: '2', title: 'Pathfinder', unlocked_titles: 'Novice,Pathfinder' });
      assert.equal(res.status, 200);
      assert.equal(res.body.title, 'Pathfinder');
      const view = await api.get(person);
      assert.deepEqual(STANDING.map((f) => view.body[f]), [1834.5, 12, '41', '97', '2', 'Pathfinder', 'Novice,Pathfinder']);
      const history = await server.request('GET', '/v1/me/history?limit=1', { token: person.token });
      assert.equal(history.body.events[0].kind, 'profile.updated_by_admin');
      assert.equal(history.body.events[0].actor_id, admin.id);
    });

    it('the person cannot set them: ignored through AISquare, refused by name natively', async () => {
      const ignored = await api.patch(person, { details: { title: 'Grandmaster', top_domain_elo: 9999 } });
      assert.deepEqual([ignored.status, ignored.body.title, ignored.body.top_domain_elo], [200, 'Pathfinder', 1834.5]);
      const native = await server.request('PATCH', '/v1/me/profile', { token: person.token, body: { title: 'Grandmaster' } });
      assert.equal(native.status, 400);
      assert.equal(native.body.errors[0].code, 'profile.field_not_writable');
    });

    it('only admins may: a person gets 403 and nothing changes', async () => {
      const other = await server.createUser();
      const res = await adminPatch(other, person.profileId, { title: 'Usurper' });
      assert.equal(res.status, 403);
      assert.equal((await api.get(person)).body.title, 'Pathfinder');
    });

    it('values meet the registry\'s rules; account fields are not changed here; whole or nothing', async () => {
      const res = await adminPatch(admin, person.profileId, { top_domain_elo: -1, title: 'x'.repeat(101), streak: '5', username: 'renamed' });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]).sort(), [
        ['/title', 'profile.too_long'],
        ['/top_domain_elo', 'profile.out_of_range'],
        ['/username', 'profile.field_not_writable'],
      ]);
      assert.equal((await api.get(person)).body.streak, '41');
    });

    it('a profile in another organization does not exist for this admin → 404', async () => {
      await server.app.services.accounts.createOrg({ slug: `far-${backend.name}`, name: 'Far' });
      const far = await server.createUser({ org: `far-${backend.name}` });
      const res = await adminPatch(admin, far.profileId, { title: 'Remote' });
      assert.equal(res.status, 404);
    });
  });
}
