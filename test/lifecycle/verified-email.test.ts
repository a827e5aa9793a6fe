import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { PASSWORD, startServer, type TestServer, type TestUser } from '../support/server.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

for (const backend of backends) {
  describe(`verify before change: a new login email waits for its code (${backend.name})`, () => {
    let smtp: SmtpPeer;
    let server: TestServer;
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    let n = 0;
    const fresh = () => `new-${backend.name}-${++n}-${Date.now()}@example.org`;
    before(async () => {
      smtp = await startSmtpPeer();
      server = await startServer(backend, { clock, config: { outboxPollMs: 20, smtpUrl: smtp.url, verificationCodeTtlSeconds: 600, verificationMaxAttempts: 5 } });
    });
    after(async () => {
      await server.close();
      await smtp.close();
    });

    const codeFor = async (to: string) => {
      const [mail] = (await smtp.waitFor((r) => r.some((m) => m.to.includes(to) && m.headers['x-profiled-kind'] === 'email.verify'))).filter((m) => m.to.includes(to) && m.headers['x-profiled-kind'] === 'email.verify').slice(-1);
      const code = /code is (\d{6})/.exec(mail!.text)?.[1];
      assert.ok(code, mail!.text);
      return code;
    };
    const change = (u: TestUser, email: string) => server.request('PATCH', '/v1/me/profile', { token: u.token, body: { email } });
    const verify = (u: TestUser, code: string) => server.request('POST', '/v1/me/verify', { token: u.token, body: { field: 'email', code } });

    it('the profile keeps the verified email, the new one is pending everywhere, sign-in still uses the old one', async () => {
      const u = await server.createUser();
      const next = fresh();
      const earlier = await server.request('GET', '/v1/me/profile', { token: u.token });
      assert.deepEqual(earlier.body.pending_changes, []);
      const res = await change(u, next);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.email, u.email);
      assert.deepEqual(res.body.pending_changes.map((p: { field: string; value: string }) => [p.field, p.value]), [['email', next]]);
      assert.notEqual(res.headers.get('etag'), earlier.headers.get('etag'), 'a pending value is a new version of the owner\'s view');
      const aisquare = await server.request('GET', '/api/v1/iam/user/profile/', { token: u.token });
      assert.equal(aisquare.body.email, u.email);
      assert.deepEqual(aisquare.body.pending_changes.map((p: { field: string; value: string }) => [p.field, p.value]), [['email', next]]);
      const pending = await server.request('GET', '/v1/me/pending-changes', { token: u.token });
      assert.equal(pending.body.pending[0].field, 'email');
      assert.equal(pending.body.pending[0].value, next);
      const ws = await server.request('GET', '/api/workspace/account/profile', { token: u.token });
      assert.equal(ws.body.Data.Email, u.email);
      assert.equal(ws.body.Warnings[0].Code, 'email.unverified');
      assert.equal(ws.body.Warnings[0].Metadata.PendingValue, next);
      const code = await codeFor(next);
      const viaNew = await server.request('POST', '/oauth/token', { body: { grant_type: 'password', username: next, password: PASSWORD } });
      assert.equal(viaNew.status, 400, 'the unverified address does not sign in');
      await server.login(u.email);
      assert.ok(!server.logs.some((l) => l.includes(code)), 'the code never reaches the log');
      const stored = await server.app.storage.repos.findPendingChange(u.profileId, 'email');
      assert.notEqual(stored?.code_hash, code, 'stored hashed');
      assert.ok(!JSON.stringify(stored).includes(code));
    });

    it('a wrong code is refused; the right one applies the change once, and the old address gets an undo link', async () => {
      const u = await server.createUser();
      const next = fresh();
      await change(u, next);
      const code = await codeFor(next);
      const wrong = await verify(u, code === '000000' ? '111111' : '000000');
      assert.deepEqual([wrong.status, wrong.body.code], [400, 'verification.code_invalid']);
      const ok = await verify(u, code);
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ok.body, { field: 'email', value: next });
      assert.equal((await server.request('GET', '/v1/me/profile', { token: u.token })).body.email, next);
      const again = await verify(u, code);
      assert.deepEqual([again.status, again.body.code], [404, 'verification.no_pending'], 'single use');
      await server.login(next);
      const ws = await server.request('GET', '/api/workspace/account/profile', { token: u.token });
      assert.deepEqual(ws.body.Warnings, []);
      await smtp.waitFor((r) => r.some((m) => m.to.includes(u.email) && m.headers['x-profiled-kind'] === 'email.changed_notice'));
      const history = await server.request('GET', '/v1/me/history', { token: u.token });
      assert.equal(history.body.events[0].kind, 'account.email_changed');
    });

    it('the undo link restores the old address and ends every session; it works once', async () => {
      const u = await server.createUser();
      const next = fresh();
      await change(u, next);
      assert.equal((await verify(u, await codeFor(next))).status, 200);
      const [notice] = (await smtp.waitFor((r) => r.some((m) => m.to.includes(u.email) && m.headers['x-profiled-kind'] === 'email.changed_notice'))).filter((m) => m.to.includes(u.email) && m.headers['x-profiled-kind'] === 'email.changed_notice');
      const link = /(http:\/\/\S+\/v1\/account\/change-undo\?token=\S+)/.exec(notice!.text)?.[1];
      assert.ok(link, notice!.text);
      const path = link.slice(link.indexOf('/v1/'));
      const token = path.split('token=')[1]!;
      // Opening the link (as a mail scanner would) only shows what it would do.
      for (const opened of [path, `/v1/account/email-undo?token=${token}`]) {
        const page = await server.request('GET', opened);
        assert.equal(page.status, 200, page.text);
        assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(page.text, new RegExp(`put back <strong>${u.email.replace(/[.+]/g, '\\$&')}</strong>`));
        assert.match(page.text, /<form method="post" action="\/v1\/account\/change-undo">/);
      }
      assert.equal((await server.request('GET', '/v1/me/profile', { token: u.token })).body.email, next, 'opening the link changed nothing');
      const undone = await server.request('POST', '/v1/account/change-undo', { raw: `token=${encodeURIComponent(token)}`, contentType: 'application/x-www-form-urlencoded' });
      assert.equal(undone.status, 200, undone.text);
      assert.match(undone.text, /The change is undone/);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: u.token })).status, 401, 'every session ended');
      const back = await server.login(u.email);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: back.access_token })).body.email, u.email);
      const twice = await server.request('POST', '/v1/account/change-undo', { body: { token } });
      assert.deepEqual([twice.status, twice.body.code], [400, 'verification.undo_invalid']);
      assert.equal((await server.request('GET', path)).status, 400, 'a used link shows its error page');
      assert.equal((await server.request('GET', '/v1/account/change-undo?token=nonsense-nonsense-nonsense')).status, 400);
      assert.ok(!server.logs.some((l) => l.includes(token)), 'the undo token is redacted from the log');
    });

    it('brute force: after the allowed wrong codes the change is dropped, and the right code no longer works', async () => {
      const u = await server.createUser();
      const next = fresh();
      await change(u, next);
      const code = await codeFor(next);
      const bad = code === '999999' ? '888888' : '999999';
      for (let i = 1; i < 5; i++) assert.equal((await verify(u, bad)).status, 400);
      const fifth = await verify(u, bad);
      assert.deepEqual([fifth.status, fifth.body.code], [429, 'verification.too_many_attempts']);
      assert.equal((await verify(u, code)).status, 404);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: u.token })).body.email, u.email);
    });

    it('an expired code is refused and drops the change', async () => {
      const u = await server.createUser();
      const next = fresh();
      await change(u, next);
      const code = await codeFor(next);
      offset = 601_000;
      try {
        const late = await verify(u, code);
        assert.deepEqual([late.status, late.body.code], [400, 'verification.code_expired']);
      } finally {
        offset = 0;
      }
      assert.equal((await verify(u, code)).status, 404);
      assert.deepEqual((await server.request('GET', '/v1/me/pending-changes', { token: u.token })).body.pending, []);
    });

    it('through the workspace dialect: PUT Email answers the verified address with the warning, and a code is sent', async () => {
      const u = await server.createUser();
      const next = fresh();
      const res = await server.request('PUT', '/api/workspace/account/profile', { token: u.token, body: { Email: next, FirstName: 'Wanda' } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.Data.Email, u.email);
      assert.equal(res.body.Data.FirstName, 'Wanda', 'the rest of the request is applied');
      assert.equal(res.body.Warnings[0].Code, 'email.unverified');
      assert.equal((await verify(u, await codeFor(next))).status, 200);
      const after = await server.request('GET', '/api/workspace/account/profile', { token: u.token });
      assert.deepEqual([after.body.Data.Email, after.body.Warnings], [next, []]);
    });

    it('a taken address is refused at once, and nothing is sent', async () => {
      const [u, other] = [await server.createUser(), await server.createUser()];
      const res = await change(u, other.email);
      assert.deepEqual([res.status, res.body.errors[0].code], [400, 'account.email_taken']);
      const bad = await server.request('POST', '/v1/me/verify', { token: u.token, body: { field: 'phone', code: '1' } });
      assert.equal(bad.status, 400);
    });
  });
}
