import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { mailbox } from '../support/mailbox.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { codeAt, enrolTotp, mailDir, passwordGrant, stepClock } from './support.ts';

/**
 * Issue 22, point 1 and the password grant of point 3: TOTP enrolment through the native
 * API, codes within ±1 step and only once (an injected clock moves the steps), single-use
 * recovery codes, `mfa_required` and `otp`, wrong codes throttled with the passwords, and
 * the security notices mailed.
 */
for (const backend of backends) {
  describe(`TOTP second factor (${backend.name})`, () => {
    let server: TestServer;
    const clock = stepClock();
    const mail = mailDir();
    const inbox = mailbox(mail);

    before(async () => {
      server = await startServer(backend, { clock, config: { mailDir: mail, loginMaxFailuresPerAccount: 5 } });
    });
    after(() => server.close());

    it('enrolment: the password first, a secret and its QR code, live only after a first code; then ten recovery codes', async () => {
      const user = await server.createUser();
      const wrongPassword = await server.request('POST', '/v1/me/mfa/totp', { token: user.token, body: { current_password: 'Not-The-Password-1' } });
      assert.equal(wrongPassword.status, 400);
      assert.equal(wrongPassword.body.code, 'password.incorrect');

      const start = await server.request('POST', '/v1/me/mfa/totp', { token: user.token, body: { current_password: user.password } });
      assert.equal(start.status, 200, start.text);
      assert.match(start.body.secret, /^[A-Z2-7]{32}$/);
      assert.match(start.body.otpauth_uri, /^otpauth:\/\/totp\/127\.0\.0\.1:.*secret=[A-Z2-7]{32}.*algorithm=SHA1&digits=6&period=30/);
      assert.match(start.body.qr_svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.equal(start.headers.get('cache-control'), 'no-store');

      const before = await server.request('GET', '/v1/me/mfa', { token: user.token });
      assert.deepEqual(before.body, { factors: [], recovery_codes_left: 0, required: false }, 'not live before its first code');
      assert.equal((await passwordGrant(server, user.username, user.password)).status, 200, 'the password alone still signs in');

      const wrong = await server.request('POST', '/v1/me/mfa/totp/confirm', { token: user.token, body: { code: codeAt(start.body.secret, clock.ms() + 120_000) } });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.code, 'mfa.code_invalid');

      const confirm = await server.request('POST', '/v1/me/mfa/totp/confirm', { token: user.token, body: { code: codeAt(start.body.secret, clock.ms()) } });
      assert.equal(confirm.status, 200, confirm.text);
      const codes = confirm.body.recovery_codes as string[];
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      for (const c of codes) assert.match(c, /^[a-z2-9]{5}-[a-z2-9]{5}$/);

      const listed = await server.request('GET', '/v1/me/mfa', { token: user.token });
      assert.equal(listed.status, 200);
      assert.equal(listed.body.factors.length, 1);
      assert.deepEqual(Object.keys(listed.body.factors[0]).sort(), ['created_at', 'id', 'kind', 'last_used_at']);
      assert.equal(listed.body.factors[0].kind, 'totp');
      assert.equal(listed.body.recovery_codes_left, 10);
      assert.ok(!listed.text.includes(start.body.secret), 'the secret is never shown again');

      const again = await server.request('POST', '/v1/me/mfa/totp', { token: user.token, body: { current_password: user.password } });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'mfa.already_enrolled');

      const added = await inbox.next(user.email, 'security.factor_added');
      assert.match(added.subject, /second factor was added/);
      assert.ok(!added.text.includes(start.body.secret));
    });

    it('recovery codes are stored only as hashes, never as given, and never exported', async () => {
      const user = await server.createUser();
      const { recovery_codes } = await enrolTotp(server, user, clock);
      const at = clock.now().toISOString();
      for (const c of recovery_codes.slice(0, 3)) {
        assert.equal(await server.app.storage.repos.useRecoveryCode(user.id, c, at), false, 'no stored value is the code itself');
        assert.equal(await server.app.storage.repos.useRecoveryCode(user.id, c.replace('-', ''), at), false);
      }
      assert.equal((await server.request('GET', '/v1/me/mfa', { token: user.token })).body.recovery_codes_left, 10);
      const exported = await server.request('GET', '/v1/me/export', { token: user.token });
      assert.equal(exported.status, 200);
      for (const c of recovery_codes) assert.ok(!exported.text.includes(c), 'nor in the export');
      assert.deepEqual(exported.body.second_factors.map((f: { kind: string }) => f.kind), ['totp'], 'the export names the factor, without its secret');
      assert.deepEqual(Object.keys(exported.body.second_factors[0]).sort(), ['created_at', 'id', 'kind', 'last_used_at']);
    });

    it('the password grant: 403 mfa_required without otp, tokens with a code of this step or the one before or after, each step once', async () => {
      const user = await server.createUser();
      const { secret } = await enrolTotp(server, user, clock);
      clock.step(2);

      const bare = await passwordGrant(server, user.username, user.password);
      assert.equal(bare.status, 403, bare.text);
      assert.equal(bare.body.error, 'mfa_required');
      assert.equal(typeof bare.body.error_description, 'string');
      assert.equal(bare.headers.get('cache-control'), 'no-store');
      const wrongPassword = await passwordGrant(server, user.username, 'Not-The-Password-1', codeAt(secret, clock.ms()));
      assert.equal(wrongPassword.status, 400, 'a wrong password is invalid_grant whatever the code');
      assert.equal(wrongPassword.body.error, 'invalid_grant');

      const previous = await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms() - 30_000));
      assert.equal(previous.status, 200, `the previous step's code is accepted: ${previous.text}`);
      const replay = await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms() - 30_000));
      assert.equal(replay.status, 400, 'the same code again is refused');
      assert.equal(replay.body.error, 'invalid_grant');
      const current = await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms()));
      assert.equal(current.status, 200, 'the current step, later than the one used');
      const older = await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms() - 30_000));
      assert.equal(older.status, 400, 'a step before the last one used is refused too');
      const next = await passwordGrant(server, user.username, user.password, ` ${codeAt(secret, clock.ms() + 30_000).replace(/(\d{3})/, '$1 ')} `);
      assert.equal(next.status, 200, `the next step's code (clock drift), spaces and all: ${next.text}`);

      clock.step(5);
      assert.equal((await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms() - 60_000))).status, 400, 'two steps old is outside the window');
      assert.equal((await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms() + 60_000))).status, 400, 'two steps ahead too');
      assert.equal((await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms()))).status, 200);
      clock.step(1);
      const last = (await server.request('GET', '/v1/me/mfa', { token: user.token })).body.factors[0];
      assert.ok(last.last_used_at, 'last use recorded');
    });

    it('recovery codes: each signs in once, in any case and with or without its hyphen, and each use is mailed', async () => {
      const user = await server.createUser();
      const { recovery_codes } = await enrolTotp(server, user, clock);
      const [first, second] = recovery_codes as [string, string];
      const ok = await passwordGrant(server, user.username, user.password, first);
      assert.equal(ok.status, 200, ok.text);
      assert.equal((await passwordGrant(server, user.username, user.password, first)).status, 400, 'used once');
      assert.equal((await passwordGrant(server, user.username, user.password, second.replace('-', '').toUpperCase())).status, 200);
      assert.equal((await server.request('GET', '/v1/me/mfa', { token: user.token })).body.recovery_codes_left, 8);
      // One notice per use; the outbox may send both in one pass, so their order is not the uses'.
      const notices = [await inbox.next(user.email, 'security.recovery_code_used'), await inbox.next(user.email, 'security.recovery_code_used')];
      assert.deepEqual(notices.map((m) => /(\d+) recovery codes left/.exec(m.text)?.[1]).sort(), ['8', '9']);
    });

    it('wrong codes count against the password throttle: after the limit even the right code is refused (429)', async () => {
      const user = await server.createUser();
      const { secret } = await enrolTotp(server, user, clock);
      clock.step(1);
      for (let i = 0; i < 5; i++) {
        const res = await passwordGrant(server, user.username, user.password, String((Number(codeAt(secret, clock.ms())) + 1 + i) % 1_000_000).padStart(6, '0'));
        assert.equal(res.status, 400, `wrong code ${i}: ${res.text}`);
      }
      const locked = await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms()));
      assert.equal(locked.status, 429);
      assert.ok(Number(locked.headers.get('retry-after')) >= 1);
      clock.step(Math.ceil(900 / 30) + 1);
      assert.equal((await passwordGrant(server, user.username, user.password, codeAt(secret, clock.ms()))).status, 200, 'after the window');
    });

    it('removal needs the password and a code; afterwards the password alone signs in and the recovery codes are gone', async () => {
      const user = await server.createUser();
      const { secret, recovery_codes } = await enrolTotp(server, user, clock);
      clock.step(1);
      const noCode = await server.request('DELETE', '/v1/me/mfa/totp', { token: user.token, body: { current_password: user.password, code: '000000' === codeAt(secret, clock.ms()) ? '111111' : '000000' } });
      assert.equal(noCode.status, 400);
      assert.equal(noCode.body.code, 'mfa.code_invalid');
      const badPassword = await server.request('DELETE', '/v1/me/mfa/totp', { token: user.token, body: { current_password: 'Not-The-Password-1', code: codeAt(secret, clock.ms()) } });
      assert.equal(badPassword.body.code, 'password.incorrect');
      const missing = await server.request('DELETE', '/v1/me/mfa/totp', { token: user.token, body: { current_password: user.password } });
      assert.equal(missing.status, 400, 'the code is required');

      const removed = await server.request('DELETE', '/v1/me/mfa/totp', { token: user.token, body: { current_password: user.password, code: codeAt(secret, clock.ms()) } });
      assert.equal(removed.status, 204, removed.text);
      assert.deepEqual((await server.request('GET', '/v1/me/mfa', { token: user.token })).body, { factors: [], recovery_codes_left: 0, required: false });
      assert.equal((await passwordGrant(server, user.username, user.password)).status, 200);
      assert.equal((await passwordGrant(server, user.username, user.password, recovery_codes[0])).status, 200, 'an otp is ignored without a factor');
      const again = await server.request('DELETE', '/v1/me/mfa/totp', { token: user.token, body: { current_password: user.password, code: codeAt(secret, clock.ms()) } });
      assert.equal(again.status, 404);
      assert.equal(again.body.code, 'mfa.not_enrolled');
      await inbox.next(user.email, 'security.factor_removed');
    });

    it('confirm without a set-up waiting, and bad bodies: clear problems, never a 500', async () => {
      const user = await server.createUser();
      const none = await server.request('POST', '/v1/me/mfa/totp/confirm', { token: user.token, body: { code: '123456' } });
      assert.equal(none.status, 400);
      assert.equal(none.body.code, 'mfa.no_enrolment');
      for (const raw of ['{"code":', '{"code": 123456}', '[]', '{"code":"1","extra":1}', '{"current_password":"\u0000"}']) {
        for (const path of ['/v1/me/mfa/totp/confirm', '/v1/me/mfa/totp']) {
          const res = await server.request('POST', path, { token: user.token, raw });
          assert.ok(res.status >= 400 && res.status < 500, `${path} ${raw}: ${res.status} ${res.text}`);
          assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        }
      }
      const invalidUtf8 = await fetch(`${server.url}/v1/me/mfa/totp/confirm`, { method: 'POST', headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0x63, 0x6f, 0x64, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
      assert.equal(invalidUtf8.status, 400);
      assert.equal(((await invalidUtf8.json()) as { code: string }).code, 'request.invalid_encoding');
      const unauthenticated = await server.request('GET', '/v1/me/mfa');
      assert.equal(unauthenticated.status, 401);
      const grantBytes = await fetch(`${server.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=x&password=y&otp=%FF%FE' });
      assert.equal(grantBytes.status, 400);
    });

    it('a password reset never removes a second factor', async () => {
      const user = await server.createUser();
      const { secret } = await enrolTotp(server, user, clock);
      clock.step(1);
      assert.equal((await server.request('POST', '/v1/account/password-reset', { body: { login: user.email } })).status, 202);
      const link = /token=([A-Za-z0-9_-]{43})/.exec((await inbox.next(user.email, 'account.password_reset')).text)![1]!;
      const fresh = 'Quiet-Meadow-Harbor-77';
      const done = await server.request('POST', '/v1/account/password-reset/confirm', { body: { token: link, new_password: fresh } });
      assert.equal(done.status, 204, done.text);
      const bare = await passwordGrant(server, user.username, fresh);
      assert.equal(bare.status, 403);
      assert.equal(bare.body.error, 'mfa_required');
      assert.equal((await passwordGrant(server, user.username, fresh, codeAt(secret, clock.ms()))).status, 200);
    });

    it('erasing an account (purge after the grace period) removes its factors and recovery codes', async () => {
      const user = await server.createUser();
      await enrolTotp(server, user, clock);
      assert.equal((await server.request('DELETE', '/v1/me', { token: user.token, body: { current_password: user.password } })).status, 202);
      clock.step((15 * 86_400) / 30);
      await server.app.services.deletion.purge();
      assert.deepEqual(await server.app.storage.repos.listFactorsOf(user.id), []);
      assert.equal(await server.app.storage.repos.countRecoveryCodes(user.id), 0);
    });
  });
}
