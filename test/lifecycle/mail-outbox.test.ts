import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { runCli } from '../support/process.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

const FAST = { outboxPollMs: 20, outboxRetryBaseMs: 50 };

for (const backend of backends) {
  describe(`notification mail through the outbox to a real SMTP server, as the preferences say (${backend.name})`, () => {
    let smtp: SmtpPeer;
    let server: TestServer;
    let admin: { token: string };
    let ada: TestUser;
    let grace: TestUser;
    let alan: TestUser;
    const emit = (body: Record<string, unknown>, token = admin.token) => server.request('POST', '/v1/admin/notifications', { token, body });
    const prefs = (u: TestUser, body: Record<string, boolean>) => server.request('PATCH', '/v1/me/profile', { token: u.token, body });
    before(async () => {
      smtp = await startSmtpPeer();
      server = await startServer(backend, { config: { ...FAST, smtpUrl: smtp.url, mailFrom: 'Profiled <no-reply@example.test>' } });
      const created = await server.app.services.accounts.createAccount({ email: `admin-${backend.name}@example.com`, password: 'Admin-Passphrase-2718', username: `admin-${backend.name}`, kind: 'admin' });
      admin = { token: (await server.login(created.username, 'Admin-Passphrase-2718')).access_token };
      [ada, grace, alan] = [await server.createUser(), await server.createUser(), await server.createUser()];
      assert.equal((await prefs(ada, { notify_wall_post: true, notify_blog_comment: true, community_digest: true })).status, 200);
      assert.equal((await prefs(grace, { notify_wall_post: false, notify_help_desk: false, notify_event_comment: true })).status, 200);
    });
    after(async () => {
      await server.close();
      await smtp.close();
    });

    const inbox = (u: TestUser, kind: string) => smtp.received.filter((m) => m.to.includes(u.email) && m.headers['x-profiled-kind'] === `notify.${kind}`);

    it('a wall post goes only to those with notify_wall_post on', async () => {
      const res = await emit({ event: 'wall_post', text: 'Ada posted: the engine runs.' });
      assert.equal(res.status, 202, res.text);
      assert.ok(res.body.profile_ids.includes(ada.profileId));
      assert.ok(!res.body.profile_ids.includes(grace.profileId) && !res.body.profile_ids.includes(alan.profileId));
      await smtp.waitFor(() => inbox(ada, 'wall_post').length === 1);
      const [mail] = inbox(ada, 'wall_post');
      assert.equal(mail!.subject, 'A new post on the community wall');
      assert.match(mail!.text, /Ada posted: the engine runs\./);
      assert.match(mail!.headers['from'] ?? '', /no-reply@example\.test/);
      assert.match(mail!.messageId, /^<mail_[0-9a-f-]+@profiled>$/);
      assert.deepEqual([inbox(grace, 'wall_post').length, inbox(alan, 'wall_post').length], [0, 0]);
    });

    it('each event honours its own flag: help desk (on by default), blog and event comments, the digest', async () => {
      for (const event of ['blog_comment', 'event_comment', 'community_digest']) assert.equal((await emit({ event, text: `about ${event}` })).status, 202);
      for (const u of [ada, grace, alan]) assert.equal((await emit({ event: 'help_desk_reply', text: 'We fixed it.', profile_id: u.profileId })).status, 202);
      await smtp.waitFor(() => inbox(ada, 'help_desk_reply').length === 1 && inbox(alan, 'help_desk_reply').length === 1 && inbox(grace, 'event_comment').length === 1 && inbox(ada, 'community_digest').length === 1 && inbox(ada, 'blog_comment').length === 1);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(inbox(grace, 'help_desk_reply').length, 0, 'grace turned help desk replies off');
      assert.deepEqual([inbox(grace, 'blog_comment').length, inbox(alan, 'blog_comment').length, inbox(ada, 'event_comment').length, inbox(grace, 'community_digest').length], [0, 0, 0, 0]);
    });

    it('only administrators (or a service account\'s API key) emit; bad input is a 400 problem, never a 500', async () => {
      const asPerson = await emit({ event: 'wall_post', text: 'x' }, ada.token);
      assert.equal(asPerson.status, 403);
      const unknown = await emit({ event: 'party', text: 'x' });
      assert.deepEqual([unknown.status, unknown.body.code], [400, 'notification.unknown_event']);
      const empty = await emit({ event: 'wall_post', text: '   ' });
      assert.deepEqual([empty.status, empty.body.code], [400, 'notification.invalid_text']);
      const elsewhere = await emit({ event: 'help_desk_reply', text: 'x', profile_id: 'no-such-profile' });
      assert.equal(elsewhere.status, 404);
      await server.app.services.accounts.createAccount({ username: `host-${backend.name}`, kind: 'service' });
      const { key } = await server.app.services.accounts.createApiKey(`host-${backend.name}`);
      const asHost = await emit({ event: 'wall_post', text: 'From the host application.' }, key);
      assert.equal(asHost.status, 202, asHost.text);
      await smtp.waitFor(() => inbox(ada, 'wall_post').some((m) => /host application/.test(m.text)));
    });

    it('a refusing server is retried with back-off until it takes the mail, once', async () => {
      smtp.failNext(2);
      const res = await emit({ event: 'help_desk_reply', text: 'Retry me.', profile_id: alan.profileId });
      assert.equal(res.status, 202);
      await smtp.waitFor(() => inbox(alan, 'help_desk_reply').some((m) => /Retry me/.test(m.text)));
      // Alan's newest mail is this one; the server marks it sent just after the SMTP peer took it.
      const newest = async () => (await server.app.storage.repos.listOutbox({ topic: 'mail', limit: 5 })).find((r) => (r.payload as { to: string }).to === alan.email);
      for (let i = 0; i < 100 && !(await newest())?.sent_at; i++) await new Promise((r) => setTimeout(r, 20));
      const row = (await newest())!;
      assert.equal(row.attempts, 3, 'two refusals, then the delivery');
      assert.ok(row.sent_at);
      assert.equal(JSON.stringify(row.payload).includes('Retry me'), false, 'a sent mail keeps no body');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(inbox(alan, 'help_desk_reply').filter((m) => /Retry me/.test(m.text)).length, 1);
    });
  });

  describe(`the outbox survives a crash and two senders (${backend.name})`, () => {
    let smtp: SmtpPeer;
    before(async () => {
      smtp = await startSmtpPeer();
    });
    after(() => smtp.close());

    it('committed but not sent when the process stops: the next process sends it, exactly once', async () => {
      const first = await startServer(backend, { config: { outboxPollMs: 3_600_000, smtpUrl: smtp.url } });
      const u = await first.createUser();
      await first.app.services.notifications.emitInOrg('default', { event: 'help_desk_reply', text: 'Sent after the crash.', profileId: u.profileId });
      await first.close();
      assert.equal(smtp.received.filter((m) => m.to.includes(u.email)).length, 0);
      const second = await startServer(backend, { databaseUrl: first.databaseUrl, config: { ...FAST, smtpUrl: smtp.url } });
      try {
        await smtp.waitFor((r) => r.some((m) => m.to.includes(u.email)));
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(smtp.received.filter((m) => m.to.includes(u.email)).length, 1);
      } finally {
        await second.close();
      }
    });

    it('a sender that died holding a lease: after the lease the message goes again, with the same Message-ID', async () => {
      const server = await startServer(backend, { config: { ...FAST, smtpUrl: smtp.url, outboxLeaseMs: 300 } });
      try {
        await server.app.outbox.stop();
        const u = await server.createUser();
        await server.app.services.notifications.emitInOrg('default', { event: 'help_desk_reply', text: 'Leased.', profileId: u.profileId });
        const now = new Date();
        const [claimed] = await server.app.storage.repos.claimOutbox('a-dead-process', now.toISOString(), new Date(now.getTime() + 400).toISOString(), 100);
        assert.ok(claimed);
        // the dead process had sent it already (at least once), then died before settling
        assert.equal(await server.app.outbox.drain(), 0, 'nobody else takes a leased row');
        await new Promise((r) => setTimeout(r, 450));
        assert.equal(await server.app.outbox.drain(), 1);
        const got = smtp.received.filter((m) => m.to.includes(u.email));
        assert.equal(got.length, 1);
        assert.equal(got[0]!.messageId, `<${claimed.idempotency_key}@profiled>`);
        assert.equal(await server.app.storage.repos.settleOutbox(claimed.id, 'a-dead-process', { sent_at: now.toISOString() }), false, 'the dead owner cannot settle it any more');
      } finally {
        await server.close();
      }
    });

    it('two server processes on one database send every message exactly once', async () => {
      const a = await startServer(backend, { config: { ...FAST, smtpUrl: smtp.url } });
      const b = await startServer(backend, { databaseUrl: a.databaseUrl, config: { ...FAST, smtpUrl: smtp.url } });
      try {
        const users: TestUser[] = [];
        for (let i = 0; i < 4; i++) users.push(await a.createUser());
        for (let round = 0; round < 5; round++) {
          for (const u of users) await (round % 2 ? a : b).app.services.notifications.emitInOrg('default', { event: 'help_desk_reply', text: `round ${round}`, profileId: u.profileId });
        }
        const mine = () => smtp.received.filter((m) => users.some((u) => m.to.includes(u.email)));
        await smtp.waitFor(() => mine().length >= 20, 20_000);
        await new Promise((r) => setTimeout(r, 300));
        const ids = mine().map((m) => m.messageId);
        assert.equal(ids.length, 20);
        assert.equal(new Set(ids).size, 20, 'no message twice');
      } finally {
        await b.close();
        await a.close();
      }
    });
  });

  describe(`without SMTP_URL, mail goes to files that profiled mail list shows (${backend.name})`, () => {
    it('a notification lands in MAIL_DIR and is listed as JSON', async () => {
      const mailDir = mkdtempSync(join(tmpdir(), 'profiled-mail-list-'));
      const server = await startServer(backend, { config: { ...FAST, mailDir } });
      try {
        const u = await server.createUser();
        await server.app.services.notifications.emitInOrg('default', { event: 'help_desk_reply', text: 'To a file.', profileId: u.profileId });
        for (let i = 0; i < 200 && (await runList()).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
        const listed = await runList();
        assert.equal(listed.length, 1);
        assert.deepEqual([listed[0].to, listed[0].kind, listed[0].subject], [u.email, 'notify.help_desk_reply', 'A reply to your help desk message']);
        assert.match(listed[0].text, /To a file\./);
        assert.ok(server.logs.some((l) => l.includes('mail delivered to the file transport') && !l.includes('To a file.')), 'the log names the mail, never its body');
      } finally {
        await server.close();
      }
      async function runList() {
        const res = await runCli(['mail', 'list'], { DATABASE_URL: server.databaseUrl, MAIL_DIR: mailDir });
        assert.equal(res.code, 0, res.stderr);
        return JSON.parse(res.stdout);
      }
    });
  });
}
