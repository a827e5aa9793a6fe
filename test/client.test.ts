import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNativeClient, ProblemError, type ProfilePatch } from '@profiled/client';
import { backends } from './support/backends.ts';
import { startServer, type TestServer, type TestUser } from './support/server.ts';

for (const backend of backends) {
  describe(`typed native client against the real server (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('logs in, reads, patches with If-Match, reads history, refreshes, logs out', async () => {
      let token: string | undefined;
      const client = createNativeClient({ baseUrl: server.url, token: () => token });
      const pair = await client.login(user.email, user.password);
      token = pair.access_token;
      const { profile, etag } = await client.getProfile();
      assert.equal(profile.email, user.email);
      const patch: ProfilePatch = { given_name: 'Grace', tags: ['cobol'], is_public: true };
      const updated = await client.patchProfile(patch, etag!);
      assert.equal(updated.profile.given_name, 'Grace');
      assert.equal(updated.profile.version, profile.version + 1);
      const stale = await client.patchProfile({ given_name: 'Stale' }, etag!).catch((e: unknown) => e);
      assert.ok(stale instanceof ProblemError);
      assert.equal(stale.problem.status, 412);
      const history = await client.history({ limit: 1 });
      assert.equal(history.events[0]!.version, updated.profile.version);
      const next = await client.refresh(pair.refresh_token);
      token = next.access_token;
      await client.logout();
      const afterLogout = await client.getProfile().catch((e: unknown) => e);
      assert.ok(afterLogout instanceof ProblemError);
      assert.equal(afterLogout.problem.code, 'auth.session_revoked');
    });

    it('surfaces validation problems with pointers', async () => {
      const client = createNativeClient({ baseUrl: server.url, token: () => user.token });
      const err = await client.patchProfile({ website: 'not a url' }).catch((e: unknown) => e);
      assert.ok(err instanceof ProblemError);
      assert.deepEqual(err.problem.errors?.map((e) => e.pointer), ['/website']);
    });
  });
}
