import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configProblems } from '../support/config.ts';
import { backends } from '../support/backends.ts';
import { runCli } from '../support/process.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

const FAST = { outboxPollMs: 20, outboxRetryBaseMs: 50 };
const TOKEN = 'sms-gateway-secret-8c1f';

interface Call {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: { id: string; to: string; text: string; kind: string };
}

/** An SMS gateway on 127.0.0.1: keeps every call, answers each with the next status of `script` (then 202). */
async function startGateway() {
  const calls: Call[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      calls.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as Call['body'] });
      const status = script.shift() ?? 202;
      if (status === 302) res.writeHead(302, { location: '/elsewhere' }).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${base}/send`, calls, script, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const until = async (ok: () => boolean | Promise<boolean>, what: string, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

let n = 0;
const number = () => `+44 7400 111${String(100 + (++n % 800)).padStart(3, '0')}`;
const e164 = (written: string) => written.replace(/\s/g, '');

for (const backend of backends) {
  describe(`text messages through the outbox to an HTTP SMS gateway (${backend.name})`, () => {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    let server: TestServer;
    before(async () => {
      gateway = await startGateway();
      server = await startServer(backend, { config: { ...FAST, verifyChanges: ['email', 'mobile_phone'], smsUrl: gateway.url, smsToken: TOKEN } });
    });
    after(async () => {
      await server.close();
      await gateway.close();
    });

    const requestNumber = async (u: TestUser, written: string) => {
      const res = await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: written } });
      assert.equal(res.status, 200, res.text);
    };
    const callsTo = (written: string) => gateway.calls.filter((c) => c.body.to === e164(written));

    it('POSTs {id, to, text, kind} with the outbox key as Idempotency-Key and the bearer token', async () => {
      const u = await server.createUser();
      const written = number();
      await requestNumber(u, written);
      await until(() => callsTo(written).length === 1, 'the code to reach the gateway');
      const call = callsTo(written)[0]!;
      assert.equal(call.path, '/send');
      assert.equal(call.headers['content-type'], 'application/json');
      assert.equal(call.headers['authorization'], `Bearer ${TOKEN}`);
      assert.equal(call.headers['idempotency-key'], call.body.id);
      assert.match(call.body.id, /^sms_[0-9a-f-]{36}$/);
      assert.equal(call.body.kind, 'phone.verify');
      const code = /code is (\d{6})/.exec(call.body.text)?.[1];
      assert.ok(code, call.body.text);
      const row = (await server.app.storage.repos.listOutbox({ topic: 'sms', limit: 50 })).find((r) => r.idempotency_key === call.body.id);
      await until(async () => Boolean((await server.app.storage.repos.findOutbox(row!.id))?.sent_at), 'the message to be settled');
      assert.deepEqual((await server.app.storage.repos.findOutbox(row!.id))?.payload, { to: e164(written), kind: 'phone.verify' }, 'once sent, the text (and its code) is not kept');
      assert.ok(!server.logs.some((l) => l.includes(code) || l.includes(TOKEN)), 'neither the code nor the token reaches the log');
    });

    it('a failing gateway is retried with the same idempotency key; nothing is lost, nothing sent under a new id', async () => {
      const u = await server.createUser();
      const written = number();
      gateway.script.push(500, 503);
      await requestNumber(u, written);
      await until(() => callsTo(written).length === 3, 'two failures and a success');
      const ids = new Set(callsTo(written).map((c) => c.body.id));
      assert.equal(ids.size, 1, 'every attempt carries the one key');
      const row = (await server.app.storage.repos.listOutbox({ topic: 'sms', limit: 50 })).find((r) => ids.has(r.idempotency_key))!;
      await until(async () => Boolean((await server.app.storage.repos.findOutbox(row.id))?.sent_at), 'the message to be settled');
      const settled = (await server.app.storage.repos.findOutbox(row.id))!;
      assert.equal(settled.attempts, 3, 'two failed attempts and the one that went through');
      assert.ok(server.logs.some((l) => l.includes('outbox delivery failed') && l.includes('SMS gateway answered HTTP 500') && !l.includes(TOKEN)));
    });

    it('a redirect is a failure and is never followed', async () => {
      const u = await server.createUser();
      const written = number();
      gateway.script.push(302);
      await requestNumber(u, written);
      await until(() => callsTo(written).length === 2, 'the redirect and the retry');
      assert.ok(gateway.calls.every((c) => c.path === '/send'), 'the gateway was never asked at the redirect target');
      assert.ok(server.logs.some((l) => l.includes('SMS gateway answered HTTP 302')));
    });
  });

  describe(`without SMS_URL, text messages go to files that profiled sms list shows (${backend.name})`, () => {
    it('the code lands in SMS_DIR, is listed as JSON, and the log names only recipient and kind', async () => {
      const smsDir = mkdtempSync(join(tmpdir(), 'profiled-sms-list-'));
      const server = await startServer(backend, { config: { ...FAST, verifyChanges: ['email', 'mobile_phone'], smsDir } });
      try {
        const u = await server.createUser();
        const written = number();
        assert.equal((await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: written } })).status, 200);
        for (let i = 0; i < 200 && (await runList()).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
        const listed = await runList();
        assert.equal(listed.length, 1);
        assert.deepEqual([listed[0].to, listed[0].kind], [e164(written), 'phone.verify']);
        const code = /code is (\d{6})/.exec(listed[0].text)?.[1];
        assert.ok(code);
        assert.ok(server.logs.some((l) => l.includes('text message delivered to the file transport') && l.includes(e164(written)) && !l.includes(code)));
        const verified = await server.request('POST', '/v1/me/verify', { token: u.token, body: { field: 'mobile_phone', code } });
        assert.equal(verified.status, 200, verified.text);
        const limited = await runCli(['sms', 'list', '--limit', '0'], { DATABASE_URL: server.databaseUrl, SMS_DIR: smsDir });
        assert.notEqual(limited.code, 0);
        assert.match(limited.stderr, /--limit must be a positive integer/);
      } finally {
        await server.close();
      }
      async function runList() {
        const res = await runCli(['sms', 'list'], { DATABASE_URL: server.databaseUrl, SMS_DIR: smsDir });
        assert.equal(res.code, 0, res.stderr);
        return JSON.parse(res.stdout);
      }
    });
  });
}

describe('SMS configuration', () => {
  const problems = configProblems;
  it('refuses a gateway over plain http off the loopback host, a malformed URL, and a token without a gateway', () => {
    assert.match(problems({ SMS_URL: 'http://sms.example.com/send' }).join('\n'), /SMS_URL must be an https URL/);
    assert.match(problems({ SMS_URL: 'not a url' }).join('\n'), /SMS_URL must be an absolute http\(s\) URL/);
    assert.match(problems({ SMS_TOKEN: 'x' }).join('\n'), /SMS_TOKEN needs SMS_URL/);
    assert.deepEqual(problems({ SMS_URL: 'https://sms.example.com/send' }), []);
    assert.deepEqual(problems({ SMS_URL: 'http://127.0.0.1:9000/send' }), []);
  });
});
