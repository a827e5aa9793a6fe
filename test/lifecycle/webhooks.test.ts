import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listStoredMail } from '../../packages/server/src/delivery/mail.ts';
import { runCli } from '../support/process.ts';
import { PASSWORD, startServer, type TestServer } from '../support/server.ts';

interface Hit {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver on 127.0.0.1 that answers `statuses` in turn (then 204) and keeps every request. */
async function startReceiver() {
  const hits: Hit[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    hits,
    statuses,
    async waitFor(pred: (h: Hit[]) => boolean, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!pred(hits)) {
        if (Date.now() > until) throw new Error(`timed out; got ${hits.map((h) => h.body).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Verifies a Standard Webhooks signature independently of the server's code. */
function verify(secret: string, hit: Hit, toleranceS = 300): boolean {
  const id = String(hit.headers['webhook-id']);
  const ts = Number(hit.headers['webhook-timestamp']);
  if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > toleranceS) return false;
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${ts}.${hit.body}`).digest();
  return String(hit.headers['webhook-signature']).split(' ').some((sig) => {
    const [version, value] = sig.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

for (const backend of backends) {
  describe(`change webhooks: signed, retried, logged, replayable, never secrets (${backend.name})`, () => {
    let server: TestServer;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let secret: string;
    let endpointId: string;
    const mailDir = mkdtempSync(join(tmpdir(), 'profiled-webhook-mail-'));
    const events = (type: string) => receiver.hits.filter((h) => JSON.parse(h.body).type === type);
    before(async () => {
      receiver = await startReceiver();
      server = await startServer(backend, { config: { outboxPollMs: 20, outboxRetryBaseMs: 50, mailDir } });
      const endpoint = await server.app.services.webhooks.createEndpoint({ url: receiver.url });
      [secret, endpointId] = [endpoint.secret, endpoint.id];
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('profile.updated names the changed fields, never their values, and verifies as a Standard Webhooks signature', async () => {
      const u = await server.createUser();
      assert.equal((await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { position: 'Cryptographer', landline: '+44 20 7946 0111' } })).status, 200);
      await receiver.waitFor(() => events('profile.updated').some((h) => JSON.parse(h.body).data.profile_id === u.profileId));
      const hit = events('profile.updated').find((h) => JSON.parse(h.body).data.profile_id === u.profileId)!;
      assert.ok(verify(secret, hit), 'the signature verifies');
      assert.ok(!verify(secret, { ...hit, body: hit.body.replace('profile.updated', 'profile.updatex') }), 'a changed body does not');
      assert.ok(!verify(`whsec_${Buffer.from('another key, another signature').toString('base64')}`, hit));
      assert.match(String(hit.headers['webhook-id']), /^msg_[0-9a-f-]+$/);
      const body = JSON.parse(hit.body);
      assert.equal(body.data.account_id, u.id);
      assert.deepEqual([...body.data.changed_fields].sort(), ['landline', 'landline_e164', 'position']);
      assert.ok(!hit.body.includes('Cryptographer') && !hit.body.includes('7946'), 'no values');
    });

    it('account.password_changed carries no secret', async () => {
      const u = await server.createUser();
      assert.equal((await server.request('POST', '/v1/me/password', { token: u.token, body: { current_password: PASSWORD, new_password: 'Webhook-Secret-Passphrase-5' } })).status, 204);
      await receiver.waitFor(() => events('account.password_changed').some((h) => JSON.parse(h.body).data.account_id === u.id));
      for (const h of receiver.hits) {
        assert.ok(!h.body.includes('Webhook-Secret-Passphrase-5') && !h.body.includes(PASSWORD) && !h.body.includes('argon2'));
      }
    });

    it('account.email_changed when a new email is verified, not when it is only asked for', async () => {
      const u = await server.createUser();
      const next = `verified-${backend.name}-${Date.now()}@example.org`;
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { email: next } });
      let code: string | undefined;
      for (let i = 0; i < 200 && !code; i++) {
        code = /code is (\d{6})/.exec(listStoredMail(mailDir, 50).find((m) => m.to === next)?.text ?? '')?.[1];
        if (!code) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(code);
      assert.equal(events('account.email_changed').filter((h) => JSON.parse(h.body).data.account_id === u.id).length, 0);
      assert.equal((await server.request('POST', '/v1/me/verify', { token: u.token, body: { field: 'email', code } })).status, 200);
      await receiver.waitFor(() => events('account.email_changed').some((h) => JSON.parse(h.body).data.account_id === u.id));
      const hit = events('account.email_changed').find((h) => JSON.parse(h.body).data.account_id === u.id)!;
      assert.ok(verify(secret, hit));
      assert.ok(!hit.body.includes(next) && !hit.body.includes(u.email), 'no addresses in the payload');
    });

    it('an endpoint that fails is retried with back-off; every attempt is in the delivery log', async () => {
      receiver.statuses.push(500, 503);
      const u = await server.createUser();
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { city: 'Retryville' } });
      const mine = () => events('profile.updated').filter((h) => JSON.parse(h.body).data.profile_id === u.profileId);
      await receiver.waitFor(() => mine().length === 3);
      assert.equal(new Set(mine().map((h) => h.headers['webhook-id'])).size, 1, 'one message, one webhook-id, three attempts');
      const message = (await server.app.services.webhooks.messages()).find((m) => m.idempotency_key === mine()[0]!.headers['webhook-id'])!;
      // The receiver can see the third attempt a moment before the sender logs it.
      let log = await server.app.services.webhooks.deliveries({ endpointId, outboxId: message.id });
      for (let i = 0; i < 100 && log.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 20));
        log = await server.app.services.webhooks.deliveries({ endpointId, outboxId: message.id });
      }
      assert.deepEqual(log.map((d) => [d.attempt, d.status_code]).sort(), [[1, 500], [2, 503], [3, 204]]);
    });

    it('profiled webhook replay sends a message again with its webhook-id; the log and list are JSON', async () => {
      const u = await server.createUser();
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { city: 'Replay City' } });
      const mine = () => events('profile.updated').filter((h) => JSON.parse(h.body).data.profile_id === u.profileId);
      await receiver.waitFor(() => mine().length === 1);
      const env = { DATABASE_URL: server.databaseUrl };
      const messages = JSON.parse((await runCli(['webhook', 'messages'], env)).stdout) as { id: number; idempotency_key: string; sent_at: string | null }[];
      const message = messages.find((m) => m.idempotency_key === mine()[0]!.headers['webhook-id'])!;
      assert.ok(message.sent_at);
      const replay = await runCli(['webhook', 'replay', '--id', String(message.id)], env);
      assert.equal(replay.code, 0, replay.stderr);
      await receiver.waitFor(() => mine().length === 2);
      assert.equal(mine()[1]!.headers['webhook-id'], mine()[0]!.headers['webhook-id']);
      assert.ok(verify(secret, mine()[1]!));
      const listed = JSON.parse((await runCli(['webhook', 'list'], env)).stdout);
      assert.equal(listed[0].id, endpointId);
      assert.equal(listed[0].secret, undefined, 'the secret is shown once, at creation');
      const log = JSON.parse((await runCli(['webhook', 'deliveries', '--endpoint', endpointId], env)).stdout);
      assert.ok(log.length >= 2);
      const bad = await runCli(['webhook', 'replay', '--id', '999999'], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /webhook\.not_found/);
    });

    it('account.deleted after the purge; a bad endpoint is refused at creation', async () => {
      const u = await server.createUser();
      assert.equal((await server.request('DELETE', '/v1/me', { token: u.token, body: { current_password: PASSWORD } })).status, 202);
      const created = await runCli(['purge'], { DATABASE_URL: server.databaseUrl, DELETION_GRACE_DAYS: '0' });
      assert.equal(created.code, 0, created.stderr);
      await receiver.waitFor(() => events('account.deleted').some((h) => JSON.parse(h.body).data.account_id === u.id));
      await assert.rejects(server.app.services.webhooks.createEndpoint({ url: 'ftp://127.0.0.1/x' }), /http or https/);
      await assert.rejects(server.app.services.webhooks.createEndpoint({ url: receiver.url, events: ['profile.exploded'] }), /Unknown event/);
      const only = await server.app.services.webhooks.createEndpoint({ url: receiver.url, events: ['account.deleted'] });
      assert.deepEqual(only.events, ['account.deleted']);
    });
  });
}
