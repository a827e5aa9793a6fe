import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, postgres } from '../support/backends.ts';
import { mailbox } from '../support/mailbox.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { form, mailDir, passwordGrant } from './support.ts';

/**
 * Issue 22, points 4 and 5: the devices signed in on an account, each signed out on its
 * own or all but the current one (its access tokens stop at once), on one instance and
 * across two on PostgreSQL; and the mail about a sign-in from a device not seen before.
 */
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IOS = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

async function signInAs(server: TestServer, user: TestUser, userAgent: string, extra: Record<string, string> = {}) {
  const res = await server.request('POST', '/oauth/token', { ...form({ grant_type: 'password', username: user.username, password: user.password, ...extra }), headers: { 'user-agent': userAgent } });
  assert.equal(res.status, 200, res.text);
  return res.body as { access_token: string; refresh_token: string };
}
const refresh = (server: TestServer, token: string) => server.request('POST', '/oauth/token', form({ grant_type: 'refresh_token', refresh_token: token }));

for (const backend of backends) {
  describe(`Devices signed in (${backend.name})`, () => {
    let server: TestServer;
    const mail = mailDir();
    const inbox = mailbox(mail);
    before(async () => {
      server = await startServer(backend, { config: { mailDir: mail } });
    });
    after(() => server.close());

    it('lists the live sessions with their client, a user-agent summary, the masked address, amr and which is current', async () => {
      const user = await server.createUser();
      const rp = await server.app.services.oidc.createClient({ name: 'Desk Booking', redirectUris: ['http://127.0.0.1:9/cb'], public: true });
      const phone = await signInAs(server, user, SAFARI_IOS, { client_id: rp.client_id });
      const laptop = await signInAs(server, user, FIREFOX);
      const res = await server.request('GET', '/v1/me/sessions', { token: laptop.access_token });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const sessions = res.body.sessions as Record<string, unknown>[];
      assert.equal(sessions.length, 3, 'the harness sign-in, the phone and the laptop');
      for (const s of sessions) {
        assert.deepEqual(Object.keys(s).sort(), ['amr', 'client', 'created_at', 'current', 'id', 'ip', 'last_seen_at', 'user_agent']);
        assert.equal(s['ip'], '127.0.0.x');
        assert.deepEqual(s['amr'], ['pwd']);
      }
      const current = sessions.filter((s) => s['current']);
      assert.equal(current.length, 1);
      assert.equal(current[0]!['user_agent'], 'Firefox on Linux');
      assert.equal(current[0]!['client'], null);
      const phoneRow = sessions.find((s) => s['user_agent'] === 'Safari on iOS')!;
      assert.deepEqual(phoneRow['client'], { id: rp.client_id, name: 'Desk Booking' });
      assert.equal(sessions[0]!['id'], current[0]!['id'], 'newest first');
      assert.ok(!res.text.includes(phone.refresh_token) && !res.text.includes(phone.access_token));
      const exported = (await server.request('GET', '/v1/me/export', { token: laptop.access_token })).body;
      assert.ok(exported.sessions.some((s: { user_agent: string | null; ip: string | null; amr: string | null }) => s.user_agent === 'Safari on iOS' && s.ip === '127.0.0.x' && s.amr === 'pwd'), 'the export carries the device facts');
    });

    it('last_seen_at moves when a session gets tokens again', async () => {
      const user = await server.createUser();
      const first = (await server.request('GET', '/v1/me/sessions', { token: user.token })).body.sessions[0];
      await new Promise((r) => setTimeout(r, 5));
      const pair = (await refresh(server, user.refreshToken)).body as { access_token: string };
      const later = (await server.request('GET', '/v1/me/sessions', { token: pair.access_token })).body.sessions[0];
      assert.equal(later.id, first.id);
      assert.ok(later.last_seen_at > first.last_seen_at, `${later.last_seen_at} after ${first.last_seen_at}`);
    });

    it('DELETE /v1/me/sessions/{id} ends that session: its access token at once, its refresh token too', async () => {
      const user = await server.createUser();
      const other = await signInAs(server, user, FIREFOX);
      const list = (await server.request('GET', '/v1/me/sessions', { token: user.token })).body.sessions as { id: string; current: boolean }[];
      const target = list.find((s) => !s.current)!;
      assert.equal((await server.request('GET', '/v1/me/profile', { token: other.access_token })).status, 200);
      const ended = await server.request('DELETE', `/v1/me/sessions/${target.id}`, { token: user.token });
      assert.equal(ended.status, 204, ended.text);
      const after = await server.request('GET', '/v1/me/profile', { token: other.access_token });
      assert.equal(after.status, 401);
      assert.equal(after.body.code, 'auth.session_revoked');
      assert.equal((await refresh(server, other.refresh_token)).body.error, 'invalid_grant');
      assert.equal((await server.request('GET', '/v1/me/sessions', { token: user.token })).body.sessions.length, 1);
      const again = await server.request('DELETE', `/v1/me/sessions/${target.id}`, { token: user.token });
      assert.equal(again.status, 404);
      assert.equal(again.body.code, 'session.not_found');
    });

    it('no one ends another account\'s session; a malformed id is a 404, never a 500', async () => {
      const ada = await server.createUser();
      const eve = await server.createUser();
      const adaSession = (await server.request('GET', '/v1/me/sessions', { token: ada.token })).body.sessions[0].id as string;
      const res = await server.request('DELETE', `/v1/me/sessions/${adaSession}`, { token: eve.token });
      assert.equal(res.status, 404);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: ada.token })).status, 200, 'Ada is still signed in');
      for (const id of ['%00', 'not-a-session', 'x'.repeat(64), '%FF', `${adaSession}%00`]) {
        const r = await server.request('DELETE', `/v1/me/sessions/${id}`, { token: eve.token });
        assert.ok(r.status === 404 || r.status === 400, `${id}: ${r.status} ${r.text}`);
      }
      assert.equal((await server.request('DELETE', `/v1/me/sessions/${'y'.repeat(65)}`, { token: eve.token })).status, 400);
      assert.equal((await server.request('GET', '/v1/me/sessions')).status, 401);
    });

    it('DELETE /v1/me/sessions ends all but the current one; ending the current one signs out', async () => {
      const user = await server.createUser();
      const a = await signInAs(server, user, FIREFOX);
      const b = await signInAs(server, user, SAFARI_IOS);
      const res = await server.request('DELETE', '/v1/me/sessions', { token: a.access_token });
      assert.equal(res.status, 204, res.text);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: b.access_token })).status, 401);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: user.token })).status, 401);
      const left = (await server.request('GET', '/v1/me/sessions', { token: a.access_token })).body.sessions as { current: boolean }[];
      assert.equal(left.length, 1);
      assert.equal(left[0]!.current, true);
      const own = (left[0] as unknown as { id: string }).id;
      assert.equal((await server.request('DELETE', `/v1/me/sessions/${own}`, { token: a.access_token })).status, 204);
      assert.equal((await server.request('GET', '/v1/me/sessions', { token: a.access_token })).status, 401);
    });

    it('a sign-in from a device not seen before is mailed about; a known one is not; an org can switch it off', async () => {
      const user = await server.createUser();
      await signInAs(server, user, FIREFOX);
      const notice = await inbox.next(user.email, 'security.new_device');
      assert.match(notice.text, /Firefox on Linux, from 127\.0\.0\.x/);
      await signInAs(server, user, FIREFOX);
      await server.request('GET', '/v1/me/profile', { token: user.token });
      await server.app.outbox.drain();
      assert.equal(inbox.all(user.email, 'security.new_device').length, 1, 'the same device again is not new');
      const fresh = await server.createUser();
      await server.app.outbox.drain();
      assert.equal(inbox.all(fresh.email, 'security.new_device').length, 0, 'nor is the first sign-in of an account');

      await server.app.services.mfa.setPolicy({ slug: 'default' }, { new_device_notice: false });
      try {
        await signInAs(server, user, SAFARI_IOS);
        await server.app.outbox.drain();
        assert.equal(inbox.all(user.email, 'security.new_device').length, 1, 'switched off');
      } finally {
        await server.app.services.mfa.setPolicy({ slug: 'default' }, { new_device_notice: true });
      }
    });

    it('an API key has no session to list or end', async () => {
      const svc = await server.app.services.accounts.createAccount({ email: null, password: null, username: `svc-${backend.name}`, org: null, kind: 'service', displayName: null });
      const { key } = await server.app.services.accounts.createApiKey(svc.id, 'devices');
      assert.equal((await server.request('GET', '/v1/me/sessions', { token: key })).status, 403);
      assert.equal((await server.request('DELETE', '/v1/me/sessions', { token: key })).status, 403);
    });
  });
}

describe('Devices across two instances on one PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    a = await startServer(postgres);
    b = await startServer(postgres, { databaseUrl: a.databaseUrl });
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  it('a session opened on one is listed on the other, and ended there it stops on the first at once', async () => {
    const user = await a.createUser();
    const second = await passwordGrant(b, user.username, user.password, undefined, { 'user-agent': FIREFOX });
    assert.equal(second.status, 200);
    const onB = (await b.request('GET', '/v1/me/sessions', { token: second.body.access_token })).body.sessions as { id: string; current: boolean; user_agent: string }[];
    assert.equal(onB.length, 2);
    const fromA = onB.find((s) => !s.current)!;
    assert.equal((await a.request('GET', '/v1/me/profile', { token: user.token })).status, 200);
    assert.equal((await b.request('DELETE', `/v1/me/sessions/${fromA.id}`, { token: second.body.access_token })).status, 204);
    assert.equal((await a.request('GET', '/v1/me/profile', { token: user.token })).status, 401, 'instance A refuses the ended session\'s token at once');
    assert.equal((await a.request('DELETE', '/v1/me/sessions', { token: second.body.access_token })).status, 204, 'ending the others from A');
    assert.equal((await b.request('GET', '/v1/me/sessions', { token: second.body.access_token })).body.sessions.length, 1);
  });
});
