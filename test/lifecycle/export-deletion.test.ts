import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileRegistry, registry } from '@profiled/core';
import { backends } from '../support/backends.ts';
import { runCli } from '../support/process.ts';
import { PASSWORD, startServer, type TestServer, type TestUser } from '../support/server.ts';

const DAY = 86_400_000;

for (const backend of backends) {
  describe(`GET /v1/me/export: every stored field, history, vocabularies, follows, sessions, never secrets (${backend.name})`, () => {
    let server: TestServer;
    let ada: TestUser;
    let grace: TestUser;
    before(async () => {
      // A number waiting for its code is part of the export: phone verification on.
      server = await startServer(backend, { config: { verifyChanges: ['email', 'mobile_phone'] } });
      [ada, grace] = [await server.createUser(), await server.createUser()];
      await server.app.services.vocabularies.add({ slug: 'default' }, { kind: 'skill', name: 'Analysis' });
      for (const u of [ada, grace]) assert.equal((await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { is_public: true } })).status, 200);
      const patched = await server.request('PATCH', '/api/v1/iam/user/profile/', { token: ada.token, body: { details: { skills: ['Analysis'] } } });
      assert.equal(patched.status, 200, patched.text);
      assert.equal((await server.request('PATCH', '/v1/me/profile', { token: ada.token, body: { position: 'Analyst', tags: ['engines'], mobile_phone: '+44 20 7946 0958' } })).status, 200);
      assert.equal((await server.request('POST', `/v1/profiles/${grace.profileId}/follow`, { token: ada.token })).status, 200);
      assert.equal((await server.request('POST', '/v1/me/password', { token: ada.token, body: { current_password: PASSWORD, new_password: 'Another-Long-Passphrase-77' } })).status, 204);
      ada = { ...ada, token: (await server.login(ada.username, 'Another-Long-Passphrase-77')).access_token };
      const extra = await server.login(ada.username, 'Another-Long-Passphrase-77');
      assert.equal((await server.request('POST', '/v1/me/logout', { token: extra.access_token })).status, 204);
    });
    after(() => server.close());

    it('answers the whole account as JSON, as an attachment that is never cached', async () => {
      const res = await server.request('GET', '/v1/me/export', { token: ada.token });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
      const doc = res.body;
      assert.equal(doc.format, 'profiled-export/1');
      assert.equal(doc.account.id, ada.id);
      assert.equal(doc.account.fields.email, ada.email);
      assert.equal(doc.account.fields.username, ada.username);
      assert.equal(doc.profiles.length, 1);
      const [profile] = doc.profiles;
      assert.equal(profile.id, ada.profileId);
      assert.equal(profile.org.slug, 'default');
      // every stored registry field of the profile, set or not
      for (const def of compileRegistry(registry).storedProfileFields) {
        assert.ok(Object.hasOwn(profile.fields, def.name), `field ${def.name} is missing`);
      }
      assert.equal(profile.fields.position, 'Analyst');
      // A new mobile number waits for its code: the field keeps the verified value (none yet).
      assert.equal(profile.fields.mobile_phone, null);
      assert.deepEqual(doc.pending_changes.map((p: { field: string; value: string }) => [p.field, p.value]), [['mobile_phone', '+44 20 7946 0958']]);
      assert.deepEqual(profile.vocabularies.skills.map((s: { name: string }) => s.name), ['Analysis']);
      assert.deepEqual(profile.vocabularies.tags.map((s: { name: string }) => s.name), ['engines']);
      assert.deepEqual(profile.follows.following.map((f: { profile_id: string }) => f.profile_id), [grace.profileId]);
      const kinds = profile.history.map((e: { kind: string }) => e.kind);
      assert.equal(kinds.at(-1), 'profile.created');
      assert.ok(kinds.includes('account.password_changed'));
      assert.ok(profile.history.some((e: { changes: { field: string; new?: unknown }[] }) => e.changes.some((c) => c.field === 'position' && c.new === 'Analyst')));
      assert.ok(doc.sessions.length >= 2, 'the sessions, revoked ones included');
      assert.ok(doc.sessions.some((s: { revoked_at: string | null }) => s.revoked_at !== null));
    });

    it('never carries a secret: no password, hash, token or token hash', async () => {
      const res = await server.request('GET', '/v1/me/export', { token: ada.token });
      for (const needle of [PASSWORD, 'Another-Long-Passphrase-77', '$argon2', ada.refreshToken, ada.token, 'password_hash', 'token_hash', 'key_hash', 'code_hash']) {
        assert.ok(!res.text.includes(needle), `the export contains ${needle.slice(0, 12)}…`);
      }
      const history = res.body.profiles[0].history as { changes: { field: string; old?: unknown; new?: unknown }[] }[];
      const pw = history.flatMap((e) => e.changes).find((c) => c.field === 'password');
      assert.deepEqual(pw, { field: 'password' });
    });

    it('another person\'s export holds only their own account', async () => {
      const res = await server.request('GET', '/v1/me/export', { token: grace.token });
      assert.equal(res.body.account.id, grace.id);
      assert.ok(!res.text.includes(ada.email));
      assert.deepEqual(res.body.profiles[0].follows.followers.map((f: { profile_id: string }) => f.profile_id), [ada.profileId]);
    });

    it('needs a signed-in person: no token → 401 problem', async () => {
      const res = await server.request('GET', '/v1/me/export');
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 'auth.unauthenticated');
    });
  });

  describe(`DELETE /v1/me: password, grace period, restore by sign-in, purge (${backend.name})`, () => {
    let server: TestServer;
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    before(async () => {
      // The in-process purge would race these assertions once the clock jumps: it is driven by hand here.
      server = await startServer(backend, { clock, config: { outboxPollMs: 3_600_000 } });
    });
    after(() => server.close());

    it('a wrong or missing password → 400 in the problem envelope, nothing ends', async () => {
      const u = await server.createUser();
      const wrong = await server.request('DELETE', '/v1/me', { token: u.token, body: { current_password: 'not-the-password' } });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.code, 'password.incorrect');
      assert.equal(wrong.body.errors[0].pointer, '/current_password');
      const missing = await server.request('DELETE', '/v1/me', { token: u.token, body: {} });
      assert.equal(missing.status, 400);
      assert.match(missing.headers.get('content-type') ?? '', /problem\+json/);
      const junk = await server.request('DELETE', '/v1/me', { token: u.token, raw: '{nope', contentType: 'application/json' });
      assert.equal(junk.status, 400);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: u.token })).status, 200);
    });

    it('ends every session at once, hides the profile from the directory; a sign-in within the grace period restores', async () => {
      const u = await server.createUser();
      const second = await server.login(u.username);
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { is_public: true, position: 'Deleter' } });
      const viewer = await server.createUser();
      const res = await server.request('DELETE', '/v1/me', { token: u.token, body: { current_password: PASSWORD } });
      assert.equal(res.status, 202, res.text);
      assert.equal(res.body.status, 'deleting');
      assert.equal(Date.parse(res.body.purge_after) - clock.now().getTime() > 13.9 * DAY, true);
      for (const token of [u.token, second.access_token]) assert.equal((await server.request('GET', '/v1/me/profile', { token })).status, 401);
      const refreshed = await server.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: second.refresh_token } });
      assert.equal(refreshed.status, 400);
      assert.equal((await server.request('GET', `/v1/directory/${u.profileId}`, { token: viewer.token })).status, 404);

      offset = 13 * DAY;
      try {
        assert.deepEqual((await server.app.services.deletion.purge({ dryRun: true })).accounts.map((a) => a.account_id).filter((id) => id === u.id), []);
        const back = await server.login(u.username);
        const view = await server.request('GET', '/v1/me/profile', { token: back.access_token });
        assert.equal(view.status, 200);
        assert.equal(view.body.position, 'Deleter');
        assert.equal((await server.request('GET', `/v1/directory/${u.profileId}`, { token: (await server.login(viewer.username)).access_token })).status, 200);
      } finally {
        offset = 0;
      }
    });

    it('after the grace period the personal data is erased: no sign-in, events keep only which fields changed', async () => {
      const u = await server.createUser({ displayName: 'Erase Me Fully' });
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { position: 'Secret Agent', mobile_phone: '+44 20 7946 0000' } });
      const friend = await server.createUser();
      await server.request('PATCH', '/v1/me/profile', { token: friend.token, body: { is_public: true } });
      await server.request('POST', `/v1/profiles/${friend.profileId}/follow`, { token: u.token });
      assert.equal((await server.request('DELETE', '/v1/me', { token: u.token, body: { current_password: PASSWORD } })).status, 202);
      offset = 15 * DAY;
      try {
        const dry = await server.app.services.deletion.purge({ dryRun: true });
        assert.ok(dry.accounts.some((a) => a.account_id === u.id), 'the dry run reports it');
        assert.equal((await server.app.storage.repos.findAccount(u.id))?.status, 'deleting', 'and changes nothing');
        const done = await server.app.services.deletion.purge();
        assert.ok(done.accounts.some((a) => a.account_id === u.id));
        const account = await server.app.storage.repos.findAccount(u.id);
        assert.deepEqual([account?.status, account?.email, account?.password_hash, account?.username], ['deleted', null, null, `deleted-${u.id}`]);
        const profile = await server.app.storage.repos.findProfile(u.profileId);
        assert.deepEqual([profile?.values['position'], profile?.values['mobile_phone'], profile?.values['display_name']], [null, null, '']);
        const events = await server.app.storage.repos.listEvents(u.profileId, { limit: 100 });
        assert.ok(events.length >= 2);
        const text = JSON.stringify(events);
        for (const personal of ['Secret Agent', '+44 20 7946 0000', 'Erase Me Fully']) assert.ok(!text.includes(personal), personal);
        assert.ok(events.some((e) => e.changes.some((c) => c.field === 'position')), 'which fields changed is kept');
        assert.equal((await server.app.storage.repos.followCounts(friend.profileId)).followers, 0);
        const login = await server.request('POST', '/oauth/token', { body: { grant_type: 'password', username: u.email, password: PASSWORD } });
        assert.equal(login.status, 400);
        assert.deepEqual((await server.app.services.deletion.purge({ dryRun: true })).accounts.filter((a) => a.account_id === u.id), [], 'purged once');
      } finally {
        offset = 0;
      }
    });

    it('profiled purge --dry-run right after DELETE /v1/me: nothing due yet, the account scheduled with its due time', async () => {
      const u = await server.createUser();
      const deleted = await server.request('DELETE', '/v1/me', { token: u.token, body: { current_password: PASSWORD } });
      assert.equal(deleted.status, 202, deleted.text);
      const dry = await runCli(['purge', '--dry-run'], { DATABASE_URL: server.databaseUrl });
      assert.equal(dry.code, 0, dry.stderr);
      const report = JSON.parse(dry.stdout);
      assert.deepEqual([report.dry_run, report.grace_days], [true, 14]);
      assert.equal(report.accounts.some((a: { account_id: string }) => a.account_id === u.id), false, 'not due for 14 days');
      const entry = report.scheduled.find((a: { account_id: string }) => a.account_id === u.id);
      assert.ok(entry, `the deletion is registered: ${dry.stdout}`);
      assert.deepEqual([entry.username, entry.email, entry.profiles], [u.username, u.email, [u.profileId]]);
      assert.equal(entry.due_at, deleted.body.purge_after, 'it falls due when DELETE /v1/me said');
      assert.equal(Date.parse(entry.due_at) - Date.parse(entry.deletion_requested_at), 14 * DAY);
      assert.equal((await server.app.storage.repos.findAccount(u.id))?.status, 'deleting', 'a dry run changes nothing');
      // The same report in-process; once due, the account moves from scheduled to accounts.
      offset = 15 * DAY;
      try {
        const later = await server.app.services.deletion.purge({ dryRun: true });
        assert.ok(later.accounts.some((a) => a.account_id === u.id && a.due_at === deleted.body.purge_after));
        assert.equal(later.scheduled?.some((a) => a.account_id === u.id), false);
      } finally {
        offset = 0;
      }
      const restored = await server.login(u.username);
      assert.ok(restored.access_token, 'a sign-in restores it');
      const restoredReport = await server.app.services.deletion.purge({ dryRun: true });
      assert.equal(restoredReport.scheduled?.some((a) => a.account_id === u.id), false, 'and takes it off the schedule');
    });

    it('profiled purge --dry-run reports due accounts as JSON; profiled purge erases them', async () => {
      const u = await server.createUser();
      assert.equal((await server.request('DELETE', '/v1/me', { token: u.token, body: { current_password: PASSWORD } })).status, 202);
      const env = { DATABASE_URL: server.databaseUrl, DELETION_GRACE_DAYS: '0' };
      const dry = await runCli(['purge', '--dry-run'], env);
      assert.equal(dry.code, 0, dry.stderr);
      const report = JSON.parse(dry.stdout);
      assert.equal(report.dry_run, true);
      assert.ok(report.accounts.some((a: { account_id: string }) => a.account_id === u.id));
      assert.equal((await server.app.storage.repos.findAccount(u.id))?.status, 'deleting');
      const real = await runCli(['purge'], env);
      assert.equal(real.code, 0, real.stderr);
      assert.equal((await server.app.storage.repos.findAccount(u.id))?.status, 'deleted');
    });
  });
}
