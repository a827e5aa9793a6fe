import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

interface Texted {
  readonly id: string;
  readonly to: string;
  readonly text: string;
  readonly kind: string;
}

/** An SMS gateway on 127.0.0.1 that keeps what it was asked to send. */
async function startGateway() {
  const received: Texted[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as Texted);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`,
    received,
    async waitFor(match: (t: Texted) => boolean, ms = 5000): Promise<Texted> {
      const until = Date.now() + ms;
      for (;;) {
        const found = received.filter(match).at(-1);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no text message matched; got ${JSON.stringify(received.map((r) => [r.to, r.kind]))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const backend of backends) {
  describe(`verify before change: a new mobile number waits for the code texted to it (${backend.name})`, () => {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    let smtp: SmtpPeer;
    let server: TestServer;
    let n = 0;
    /** A fresh, valid UK mobile number written with spaces (Ofcom's drama range fails libphonenumber's validity check; nothing leaves 127.0.0.1). */
    const number = () => `+44 7400 000${String(100 + (++n % 800)).padStart(3, '0')}`;
    const e164 = (written: string) => written.replace(/\s/g, '');

    before(async () => {
      gateway = await startGateway();
      smtp = await startSmtpPeer();
      server = await startServer(backend, { config: { verifyChanges: ['email', 'mobile_phone'], outboxPollMs: 20, smsUrl: gateway.url, smtpUrl: smtp.url, verificationCodeTtlSeconds: 600, verificationMaxAttempts: 3 } });
    });
    after(async () => {
      await server.close();
      await gateway.close();
      await smtp.close();
    });

    const codeFor = async (written: string) => {
      const sms = await gateway.waitFor((t) => t.to === e164(written) && t.kind === 'phone.verify');
      const code = /code is (\d{6})/.exec(sms.text)?.[1];
      assert.ok(code, sms.text);
      return code;
    };
    const verify = (u: TestUser, code: string) => server.request('POST', '/v1/me/verify', { token: u.token, body: { field: 'mobile_phone', code } });
    /** A user whose first number is verified already: a first number needs its code too. */
    const withNumber = async () => {
      const u = await server.createUser();
      const current = number();
      const first = await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: current } });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.mobile_phone, null, 'a first number waits for its code as well');
      assert.equal((await verify(u, await codeFor(current))).status, 200);
      return { u, current };
    };

    it('the number is not applied until its code; every dialect shows the verified one and the pending one', async () => {
      const { u, current } = await withNumber();
      const next = number();
      const patched = await server.request('PATCH', '/api/public/coworker/profile', { token: u.token, body: { MobilePhone: next } });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.WasSuccessful, true);
      assert.match(patched.body.Message, new RegExp(`MobilePhone stays as it is until the code sent to \\${next.replace(/ /g, ' ')} is entered`));
      const native = await server.request('GET', '/v1/me/profile', { token: u.token });
      assert.equal(native.body.mobile_phone, current);
      assert.equal(native.body.mobile_phone_e164, e164(current));
      assert.deepEqual(native.body.pending_changes.map((p: { field: string; value: string }) => [p.field, p.value]), [['mobile_phone', next]]);
      const nexudus = await server.request('GET', '/en/profile?_resource=Coworker', { token: u.token });
      assert.equal(nexudus.body.MobilePhone, current);
      assert.deepEqual(nexudus.body.PendingChanges.map((p: { PropertyName: string; Value: string }) => [p.PropertyName, p.Value]), [['MobilePhone', next]]);
      const aisquare = await server.request('GET', '/api/v1/iam/user/profile/', { token: u.token });
      assert.equal(aisquare.body.phone, current);
      assert.deepEqual(aisquare.body.pending_changes.map((p: { field: string; value: string }) => [p.field, p.value]), [['phone', next]]);
      const code = await codeFor(next);
      assert.ok(!server.logs.some((l) => l.includes(code)), 'the code never reaches the log');
      const stored = await server.app.storage.repos.findPendingChange(u.profileId, 'mobile_phone');
      assert.ok(stored && !JSON.stringify(stored).includes(code), 'stored hashed');
    });

    it('the right code applies the number (its E.164 form too); the old number and the login email get an undo link', async () => {
      const { u, current } = await withNumber();
      const next = number();
      await server.request('PATCH', '/api/v1/iam/user/profile/', { token: u.token, body: { details: { phone: next } } });
      const code = await codeFor(next);
      const wrong = await verify(u, code === '000000' ? '111111' : '000000');
      assert.deepEqual([wrong.status, wrong.body.code], [400, 'verification.code_invalid']);
      const ok = await verify(u, code);
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ok.body, { field: 'mobile_phone', value: next });
      const native = await server.request('GET', '/v1/me/profile', { token: u.token });
      assert.equal(native.body.mobile_phone, next);
      assert.equal(native.body.mobile_phone_e164, e164(next));
      assert.deepEqual(native.body.pending_changes, []);
      assert.equal((await server.request('GET', '/en/profile', { token: u.token })).body.PendingChanges, undefined);
      const notice = await gateway.waitFor((t) => t.to === e164(current) && t.kind === 'phone.changed_notice');
      const link = /(http:\/\/\S+\/v1\/account\/change-undo\?token=\S+)/.exec(notice.text)?.[1];
      assert.ok(link, notice.text);
      const mails = await smtp.waitFor((r) => r.some((m) => m.to.includes(u.email) && m.headers['x-profiled-kind'] === 'phone.changed_notice'));
      assert.ok(mails.some((m) => m.text.includes(link)), 'the same link goes to the login email');
      assert.equal((await verify(u, code)).status, 404, 'single use');
      const history = await server.request('GET', '/v1/me/history', { token: u.token });
      assert.equal(history.body.events[0].kind, 'profile.mobile_phone_changed');
      assert.deepEqual(history.body.events[1].changes.map((c: { field: string }) => c.field), ['mobile_phone'], 'the request itself is recorded, without its value');
    });

    it('the undo link, confirmed, puts the old number back and ends every session', async () => {
      const { u, current } = await withNumber();
      const next = number();
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: next } });
      assert.equal((await verify(u, await codeFor(next))).status, 200);
      const notice = await gateway.waitFor((t) => t.to === e164(current) && t.kind === 'phone.changed_notice');
      const token = /change-undo\?token=(\S+)/.exec(notice.text)![1]!;
      const page = await server.request('GET', `/v1/account/change-undo?token=${token}`);
      assert.match(page.text, /Undo the change of your mobile number\?/);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: u.token })).body.mobile_phone, next, 'opening the link changed nothing');
      const undone = await server.request('POST', '/v1/account/change-undo', { body: { token } });
      assert.deepEqual([undone.status, undone.body], [200, { field: 'mobile_phone', restored: current }]);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: u.token })).status, 401);
      const back = await server.login(u.email);
      const after = await server.request('GET', '/v1/me/profile', { token: back.access_token });
      assert.equal(after.body.mobile_phone, current);
      assert.equal(after.body.mobile_phone_e164, e164(current));
    });

    it('attempts are limited; a cleared number drops the pending change; a number that cannot be texted is refused at its field', async () => {
      const { u } = await withNumber();
      const next = number();
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: next } });
      const code = await codeFor(next);
      const wrongCode = code === '000000' ? '111111' : '000000';
      assert.equal((await verify(u, wrongCode)).status, 400);
      assert.equal((await verify(u, wrongCode)).status, 400);
      assert.equal((await verify(u, wrongCode)).status, 429);
      assert.equal((await verify(u, code)).status, 404, 'dropped after the limit');

      const again = number();
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: again } });
      await codeFor(again);
      const cleared = await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: null } });
      assert.equal(cleared.body.mobile_phone, null, 'clearing needs no code');
      assert.deepEqual(cleared.body.pending_changes, []);

      const local = await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: '07400 000999', country: null } });
      assert.equal(local.status, 400, local.text);
      assert.equal(local.body.errors[0].code, 'profile.phone_unreachable');
      const nx = await server.request('PATCH', '/api/public/coworker/profile', { token: u.token, body: { MobilePhone: '07400 000999' } });
      assert.equal(nx.status, 400);
      assert.equal(nx.body.Errors[0].PropertyName, 'MobilePhone');
      const withCountry = await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: '07400 000999', country: 'GB' } });
      assert.equal(withCountry.status, 200, withCountry.text);
      assert.equal(withCountry.body.country, 'GB');
      assert.deepEqual(withCountry.body.pending_changes.map((p: { value: string }) => p.value), ['07400 000999']);
      await gateway.waitFor((t) => t.to === '+447400000999' && t.kind === 'phone.verify');
    });

    it('the same number in another format applies at once; writing the verified number back leaves a pending change alone', async () => {
      const { u, current } = await withNumber();
      const reformatted = e164(current);
      const res = await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: reformatted } });
      assert.equal(res.body.mobile_phone, reformatted);
      assert.deepEqual(res.body.pending_changes, []);
      const next = number();
      await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { mobile_phone: next } });
      const back = await server.request('PATCH', '/api/v1/iam/user/profile/', { token: u.token, body: { details: { phone: reformatted, bio: 'Still here' } } });
      assert.equal(back.status, 200, back.text);
      assert.deepEqual(back.body.pending_changes.map((p: { value: string }) => p.value), [next]);
    });
  });
}
