import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from './support/backends.ts';
import { startServer, type Response, type TestServer, type TestUser } from './support/server.ts';

/**
 * One account's token reaches its own profile only: whatever a request names — in the body,
 * the query string or the path — `/v1/me/…` reads and changes the caller's active profile.
 */
for (const backend of backends) {
  describe(`isolation between accounts (${backend.name})`, () => {
    let server: TestServer;
    let a: TestUser;
    let b: TestUser;
    let c: TestUser;
    let otherOrgId: string;
    let aOrgId: string;
    before(async () => {
      server = await startServer(backend);
      const org = await server.app.services.accounts.createOrg({ slug: `other-${Math.random().toString(36).slice(2, 8)}`, name: 'Other Org' });
      otherOrgId = org.id;
      a = await server.createUser({ displayName: 'Alice A' });
      b = await server.createUser({ displayName: 'Bruno B' });
      c = await server.createUser({ displayName: 'Carla C', org: org.slug });
      // A has a history of her own, with values nobody else should ever see.
      const res = await server.request('PATCH', '/v1/me/profile', { token: a.token, body: { nickname: 'alice-secret-nick', summary: 'alice-secret-bio' } });
      assert.equal(res.status, 200);
      const profiles = await server.request('GET', '/v1/me/profiles', { token: a.token });
      aOrgId = profiles.body.profiles[0].org_id;
      assert.notEqual(aOrgId, otherOrgId);
    });
    after(() => server.close());

    const read = (user: TestUser, query = '') => server.request('GET', `/v1/me/profile${query}`, { token: user.token });
    const patch = (user: TestUser, body: unknown, query = '') => server.request('PATCH', `/v1/me/profile${query}`, { token: user.token, body, contentType: 'application/merge-patch+json' });
    const snapshot = async (user: TestUser) => {
      const res = await read(user);
      assert.equal(res.status, 200);
      return res.body as Record<string, unknown>;
    };
    /** Nothing of A — profile id, account id, email, username, her private values — is in the answer. */
    const assertNothingOfA = (res: Response) => {
      for (const secret of [a.profileId, a.id, a.email, a.username, 'alice-secret-nick', 'alice-secret-bio']) {
        assert.ok(!res.text.includes(secret), `the answer to B contains A's ${secret}`);
      }
    };

    it('GET /v1/me/profile with B\'s token → B\'s profile, nothing of A', async () => {
      const res = await read(b);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, b.profileId);
      assert.equal(res.body.email, b.email);
      assert.equal(res.body.display_name, 'Bruno B');
      assertNothingOfA(res);
    });

    it('PATCH /v1/me/profile with B\'s token changes B only; A\'s profile and version are untouched', async () => {
      const aBefore = await snapshot(a);
      const bBefore = await snapshot(b);
      const res = await patch(b, { nickname: 'bruno-nick', summary: 'written by B' });
      assert.equal(res.status, 200);
      assert.equal(res.body.id, b.profileId);
      assert.equal(res.body.nickname, 'bruno-nick');
      assert.equal(res.body.version, (bBefore['version'] as number) + 1);
      assertNothingOfA(res);
      assert.deepEqual(await snapshot(a), aBefore);
    });

    const naming: [label: string, field: string, value: (aNow: Record<string, unknown>) => unknown][] = [
      ['`id` = A\'s profile id', 'id', () => a.profileId],
      ['`account_id` = A\'s account id', 'account_id', () => a.id],
      ['`org_id` = A\'s organization', 'org_id', () => aOrgId],
      ['`org_id` = another organization', 'org_id', () => otherOrgId],
      ['`version` = A\'s version', 'version', (aNow) => aNow['version']],
    ];
    for (const [label, field, value] of naming) {
      it(`PATCH with ${label} → 400 profile.field_not_writable, nothing changes`, async () => {
        const aBefore = await snapshot(a);
        const bBefore = await snapshot(b);
        const target = value(aBefore);
        assert.ok(target !== undefined && target !== null);
        const res = await patch(b, { [field]: target, nickname: 'hijacked' });
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.body.code, 'profile.validation_failed');
        assert.deepEqual(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]), [[`/${field}`, 'profile.field_not_writable']]);
        assertNothingOfA(res);
        assert.deepEqual(await snapshot(b), bBefore, 'the request is applied not at all');
        assert.deepEqual(await snapshot(a), aBefore, 'A is untouched');
      });
    }

    it('PATCH naming A by every id at once → 400, one field_not_writable per field, nothing changes', async () => {
      const aBefore = await snapshot(a);
      const bBefore = await snapshot(b);
      const res = await patch(b, { id: a.profileId, account_id: a.id, org_id: aOrgId, version: aBefore['version'], display_name: 'Hijacked' });
      assert.equal(res.status, 400);
      const byPointer = Object.fromEntries(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]));
      assert.deepEqual(byPointer, { '/id': 'profile.field_not_writable', '/account_id': 'profile.field_not_writable', '/org_id': 'profile.field_not_writable', '/version': 'profile.field_not_writable' });
      assert.deepEqual(await snapshot(b), bBefore);
      assert.deepEqual(await snapshot(a), aBefore);
    });

    it('PATCH with a field that names no profile field (profile_id) → 400 profile.field_unknown, nothing changes', async () => {
      const aBefore = await snapshot(a);
      const bBefore = await snapshot(b);
      const res = await patch(b, { profile_id: a.profileId, nickname: 'hijacked' });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]), [['/profile_id', 'profile.field_unknown']]);
      assert.deepEqual(await snapshot(b), bBefore);
      assert.deepEqual(await snapshot(a), aBefore);
    });

    const queries = () => [`?id=${a.profileId}`, `?profile_id=${a.profileId}`, `?account_id=${a.id}`, `?user_id=${a.id}`, `?username=${a.username}`, `?email=${encodeURIComponent(a.email)}`, `?id=${a.profileId}&id=${a.profileId}`];

    it('GET /v1/me/profile?id=…, ?profile_id=…, ?account_id=… naming A, with B\'s token → 200 B\'s profile (the query is ignored)', async () => {
      for (const query of queries()) {
        const res = await read(b, query);
        assert.equal(res.status, 200, query);
        assert.equal(res.body.id, b.profileId, query);
        assert.equal(res.body.email, b.email, query);
        assertNothingOfA(res);
      }
    });

    it('PATCH /v1/me/profile?id=<A> with B\'s token → 200, changes B (the query is ignored), never A', async () => {
      const aBefore = await snapshot(a);
      for (const [i, query] of queries().entries()) {
        const res = await patch(b, { position: `position ${i}` }, query);
        assert.equal(res.status, 200, query);
        assert.equal(res.body.id, b.profileId, query);
        assert.equal(res.body.position, `position ${i}`, query);
        assertNothingOfA(res);
      }
      assert.deepEqual(await snapshot(a), aBefore);
    });

    it('GET /v1/me/history with B\'s token (also with ?profile_id=<A>, ?id=<A>, ?account_id=<A>) → exactly B\'s events, never A\'s', async () => {
      const aHistory = await server.request('GET', '/v1/me/history', { token: a.token });
      assert.equal(aHistory.status, 200);
      assert.ok(aHistory.text.includes('alice-secret-nick'), 'A\'s own history shows her change (the control)');
      const bVersion = (await snapshot(b))['version'] as number;
      const expected = Array.from({ length: Math.min(20, bVersion) }, (_, i) => bVersion - i);
      for (const query of ['', `?profile_id=${a.profileId}`, `?id=${a.profileId}`, `?account_id=${a.id}`]) {
        const res = await server.request('GET', `/v1/me/history${query}`, { token: b.token });
        assert.equal(res.status, 200, query);
        assertNothingOfA(res);
        assert.deepEqual(res.body.events.map((e: { version: number }) => e.version), expected, `exactly B's versions, newest first (${query})`);
        for (const event of res.body.events) assert.notEqual(event.actor_id, a.id);
      }
    });

    it('GET /v1/me/profiles with B\'s token lists B\'s profile only', async () => {
      const res = await server.request('GET', '/v1/me/profiles', { token: b.token });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.profiles.map((p: { id: string; active: boolean }) => [p.id, p.active]), [[b.profileId, true]]);
      assertNothingOfA(res);
    });

    it('a user of another organization (C) reads and changes only C, in C\'s organization', async () => {
      const aBefore = await snapshot(a);
      const res = await patch(c, { nickname: 'carla-nick' });
      assert.equal(res.status, 200);
      assert.equal(res.body.id, c.profileId);
      assertNothingOfA(res);
      const profiles = await server.request('GET', '/v1/me/profiles', { token: c.token });
      assert.deepEqual(profiles.body.profiles.map((p: { id: string; org_id: string }) => [p.id, p.org_id]), [[c.profileId, otherOrgId]]);
      const aProfiles = await server.request('GET', '/v1/me/profiles', { token: a.token });
      assert.notEqual(aProfiles.body.profiles[0].org_id, otherOrgId);
      assert.deepEqual(await snapshot(a), aBefore);
      const history = await server.request('GET', '/v1/me/history', { token: c.token });
      assert.equal(history.status, 200);
      assertNothingOfA(history);
    });

    it('B\'s password change and logout end B\'s other sessions only; A\'s sessions live on', async () => {
      const bruno = await server.createUser();
      const aLater = await server.login(a.username, a.password);
      const changed = await server.request('POST', '/v1/me/password', { token: bruno.token, body: { current_password: bruno.password, new_password: 'Tr0ub4dor&3-Zebra-Quill' } });
      assert.equal(changed.status, 204);
      const out = await server.request('POST', '/v1/me/logout', { token: bruno.token });
      assert.equal(out.status, 204);
      assert.equal((await read(bruno)).status, 401, 'B\'s own session has ended');
      assert.equal((await read(a)).status, 200);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: aLater.access_token })).status, 200);
      const refreshed = await server.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: aLater.refresh_token } });
      assert.equal(refreshed.status, 200, 'A\'s refresh token still works');
      assert.equal((await server.request('POST', '/oauth/token', { body: { grant_type: 'password', username: a.username, password: a.password } })).status, 200, 'A\'s password is unchanged');
    });

    it('B\'s password change is checked against B\'s password only: another account\'s current password → 400 password.incorrect', async () => {
      const ann = await server.createUser({ password: 'Anns-Own-Secret-42!' });
      const res = await server.request('POST', '/v1/me/password', { token: b.token, body: { current_password: ann.password, new_password: 'Tr0ub4dor&3-Zebra-Quill' } });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]), [['/current_password', 'password.incorrect']]);
      assert.equal((await server.request('POST', '/oauth/token', { body: { grant_type: 'password', username: ann.username, password: ann.password } })).status, 200, 'the other account is unchanged');
      assert.equal((await read(b)).status, 200, 'B is still signed in');
    });
  });
}
