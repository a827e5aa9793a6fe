import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { linkIn, mailbox, movableClock } from '../support/mailbox.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

/**
 * Issue 19, point 1, through the API and the pages without a browser (the browser walk is
 * test/portal/recovery.test.ts): the request answers the same for every login, a link is
 * single-use, hashed at rest and expires, and only its use changes anything.
 */
const NEW_PASSWORD = 'Quiet-Meadow-Harbor-77';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const form = (fields: Record<string, string>) => ({ raw: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' });
const tokenGrant = (server: TestServer, username: string, password: string) => server.request('POST', '/oauth/token', form({ grant_type: 'password', username, password }));
const hiddenFields = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))]));

/** GETs a page's form and posts it back with its cookie, as a browser without script would. */
async function postPage(server: TestServer, path: string, fields: Record<string, string>, opts: { cookie?: boolean; origin?: string } = {}) {
  const page = await fetch(`${server.url}${path}`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const body = new URLSearchParams({ ...hiddenFields(await page.text()), ...fields });
  const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(opts.cookie === false ? {} : { cookie }), ...(opts.origin ? { origin: opts.origin } : {}) };
  const res = await fetch(`${server.url}${path.split('?')[0]}`, { method: 'POST', headers, body, redirect: 'manual' });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

for (const backend of backends) {
  describe(`forgotten password: request, link, new password (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    const clock = movableClock();
    const mailDir = mkdtempSync(join(tmpdir(), 'profiled-reset-mail-'));
    const inbox = mailbox(mailDir);
    let usedToken = '';
    const ask = (login: string) => server.request('POST', '/v1/account/password-reset', { body: { login } });
    const confirm = (token: string, password: string) => server.request('POST', '/v1/account/password-reset/confirm', { body: { token, new_password: password } });
    before(async () => {
      server = await startServer(backend, { clock, config: { mailDir, outboxPollMs: 20, loginMaxFailuresPerAccount: 1000, loginMaxFailuresPerIp: 10_000 } });
      user = await server.createUser({ displayName: 'Ada Lovelace' });
    });
    after(() => server.close());

    it('POST /v1/account/password-reset → 202 with one body for a known email, a known username (form-encoded) and unknown logins; only the account gets a mail, with an absolute link to /account/reset-password and the token spelled out', async () => {
      const answers = [await ask(user.email), await server.request('POST', '/v1/account/password-reset', form({ login: user.username.toUpperCase() })), await ask('nobody@example.com'), await server.request('POST', '/v1/account/password-reset', form({ login: 'nobody' }))];
      for (const a of answers) assert.equal(a.status, 202, a.text);
      assert.equal(new Set(answers.map((a) => a.text)).size, 1, 'the same body every time');
      assert.deepEqual(Object.keys(answers[0]!.body), ['message']);
      // Two mails, sent in one pass maybe: the live link is the one the newer request stored.
      const mails = [await inbox.next(user.email, 'account.password_reset'), await inbox.next(user.email, 'account.password_reset')];
      const rows = await Promise.all(mails.map((m) => server.app.storage.repos.findAccountToken(sha256(linkIn(m).token))));
      assert.deepEqual(rows.map((r) => r?.used_at === null).sort(), [false, true], 'the newer link voided the older one');
      const second = mails[rows.findIndex((r) => r?.used_at === null)]!;
      const first = linkIn(mails[rows.findIndex((r) => r?.used_at !== null)]!);
      const { url, token } = linkIn(second);
      assert.equal(url, `http://127.0.0.1/account/reset-password?token=${token}`, 'absolute, from PUBLIC_URL');
      assert.match(second.text, new RegExp(`\\n${token}\\n`), 'the token spelled out on its own line');
      assert.equal(second.subject, 'Set a new password');
      await server.app.outbox.drain();
      assert.equal(inbox.all(user.email, 'account.password_reset').length, 2);
      assert.equal((await server.app.storage.repos.listOutbox({ topic: 'mail', limit: 100 })).filter((m) => (m.payload as { to: string }).to !== user.email).length, 0, 'nothing for the unknown logins');
      // Stored only hashed.
      assert.ok(await server.app.storage.repos.findAccountToken(sha256(token)));
      assert.equal(await server.app.storage.repos.findAccountToken(token), undefined);
      const voided = await confirm(first.token, NEW_PASSWORD);
      assert.deepEqual([voided.status, voided.body.code], [400, 'recovery.invalid_token']);
    });

    it('a requested reset alone changes nothing: the old password, the sessions and the profile stay', async () => {
      const before_ = await server.request('GET', '/v1/me/profile', { token: user.token });
      assert.equal((await ask(user.email)).status, 202);
      await inbox.next(user.email, 'account.password_reset');
      assert.equal((await tokenGrant(server, user.username, user.password)).status, 200);
      const after_ = await server.request('GET', '/v1/me/profile', { token: user.token });
      assert.equal(after_.status, 200);
      assert.equal(after_.headers.get('etag'), before_.headers.get('etag'));
      assert.equal((await server.request('POST', '/oauth/token', form({ grant_type: 'refresh_token', refresh_token: user.refreshToken }))).status, 200);
    });

    it('…/confirm with a weak password → 400 problem at /new_password and the link still works; then 204: new password in, old out, every session and refresh token ended, account.password_changed recorded and sent to webhooks, a notice mailed, nothing else changed', async () => {
      await server.app.services.webhooks.createEndpoint({ url: 'http://127.0.0.1:9/hook', events: ['account.password_changed'] });
      const other = await server.login(user.username, user.password);
      const profileBefore = (await server.request('GET', '/v1/me/profile', { token: other.access_token })).body;
      assert.equal((await ask(user.username)).status, 202);
      const { token } = linkIn(await inbox.next(user.email, 'account.password_reset'));
      for (const [weak, code] of [['password', 'password.common'], ['short', 'password.too_short'], [`${user.username}-Zq81`, 'password.contains_username']] as const) {
        const res = await confirm(token, weak);
        assert.equal(res.status, 400, res.text);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.body.code, code);
        assert.deepEqual(res.body.errors.map((e: { pointer: string }) => e.pointer), ['/new_password']);
      }
      assert.equal((await tokenGrant(server, user.username, user.password)).status, 200, 'a refused password changed nothing');
      const done = await confirm(token, NEW_PASSWORD);
      assert.equal(done.status, 204, done.text);
      usedToken = token;
      const was = user;
      user = { ...user, password: NEW_PASSWORD };

      const old = await tokenGrant(server, was.username, was.password);
      assert.deepEqual([old.status, old.body.error], [400, 'invalid_grant']);
      const fresh = await server.login(user.username, NEW_PASSWORD);
      for (const access of [was.token, other.access_token]) assert.equal((await server.request('GET', '/v1/me/profile', { token: access })).status, 401);
      for (const refresh of [was.refreshToken, other.refresh_token]) {
        const res = await server.request('POST', '/oauth/token', form({ grant_type: 'refresh_token', refresh_token: refresh }));
        assert.deepEqual([res.status, res.body.error], [400, 'invalid_grant']);
      }
      const history = (await server.request('GET', '/v1/me/history?limit=1', { token: fresh.access_token })).body;
      assert.deepEqual([history.events[0].kind, history.events[0].changes, history.events[0].actor_id], ['account.password_changed', [{ field: 'password' }], user.id]);
      const hooks = await server.app.services.webhooks.messages();
      const hook = hooks.map((m) => (m.payload as { body: { type: string; data: Record<string, unknown> } }).body).find((b) => b.type === 'account.password_changed' && b.data['account_id'] === user.id);
      assert.ok(hook, 'the webhook is queued');
      assert.equal(hook.data['profile_id'], user.profileId);
      const notice = await inbox.next(user.email, 'account.password_changed');
      assert.equal(notice.subject, 'Your password was changed');
      assert.doesNotMatch(notice.text, /token=/);
      // The event is a new version of the profile (ETags tell); no field of it changed.
      const { version: v1, updated_at: _u1, ...profileAfter } = (await server.request('GET', '/v1/me/profile', { token: fresh.access_token })).body;
      const { version: v0, updated_at: _u0, ...unchanged } = profileBefore;
      assert.equal(v1, v0 + 1);
      assert.deepEqual(profileAfter, unchanged, 'recovery touches nothing but the password and the sessions');
      user = { ...user, token: fresh.access_token, refreshToken: fresh.refresh_token };
    });

    it('the set-password page shows the rules before anything is typed; opening it does not use the link; the recovery form is CSRF-protected and says the same for every login', async () => {
      assert.equal((await ask(user.email)).status, 202);
      const { token } = linkIn(await inbox.next(user.email, 'account.password_reset'));
      for (let i = 0; i < 2; i++) {
        const page = await server.request('GET', `/account/reset-password?token=${token}`);
        assert.equal(page.status, 200);
        assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
        assert.equal(page.headers.get('cache-control'), 'no-store');
        assert.match(page.text, /<ul id="password-rules">\n<li>Between 8 and 128 characters\.<\/li>/);
        assert.match(page.text, /aria-describedby="password-rules"/);
      }
      const mismatch = await postPage(server, `/account/reset-password?token=${token}`, { new_password: NEW_PASSWORD.toUpperCase(), repeat_password: 'something else' });
      assert.equal(mismatch.status, 400);
      assert.match(mismatch.html, /<input id="repeat_password"[^>]*aria-describedby="repeat_password-error" aria-invalid="true"/);
      const weak = await postPage(server, `/account/reset-password?token=${token}`, { new_password: 'password', repeat_password: 'password' });
      assert.equal(weak.status, 400);
      assert.match(weak.html, /<p class="field-error" id="new_password-error">This password is on a list of commonly used passwords\.<\/p>/);
      const forged = await postPage(server, `/account/reset-password?token=${token}`, { new_password: 'Brisk-Walnut-Canyon-31', repeat_password: 'Brisk-Walnut-Canyon-31' }, { cookie: false });
      assert.equal(forged.status, 403);
      assert.equal((await tokenGrant(server, user.username, user.password)).status, 200, 'nothing changed yet');

      const sent = await Promise.all([user.email, 'nobody-at-all'].map((login) => postPage(server, '/account/forgot-password', { login })));
      assert.deepEqual(sent.map((s) => s.status), [200, 200]);
      assert.equal(sent[0]!.html, sent[1]!.html, 'one page for every login');
      assert.match(sent[0]!.html, /<h1>Check your mail<\/h1>/);
      await inbox.next(user.email, 'account.password_reset');
      const noCookie = await postPage(server, '/account/forgot-password', { login: user.email }, { cookie: false });
      assert.equal(noCookie.status, 403);
      const crossSite = await postPage(server, '/account/forgot-password', { login: user.email }, { origin: 'https://evil.example' });
      assert.equal(crossSite.status, 403, 'the right token, from another site');
      const sameSite = await postPage(server, '/account/forgot-password', { login: 'nobody-at-all' }, { origin: server.url });
      assert.equal(sameSite.status, 200);
    });

    it('bytes that are not UTF-8 are refused before any parser: 400 request.invalid_encoding on the API and the page', async () => {
      const api = await server.request('POST', '/v1/account/password-reset', { raw: 'login=%FF', contentType: 'application/x-www-form-urlencoded' });
      assert.deepEqual([api.status, api.body.code], [400, 'request.invalid_encoding']);
      const page = await fetch(`${server.url}/account/forgot-password`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from([0x6c, 0x6f, 0x67, 0x69, 0x6e, 0x3d, 0xc3, 0x28]) });
      assert.equal(page.status, 400);
      const json = await fetch(`${server.url}/v1/account/password-reset/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat([Buffer.from('{"token":"'), Buffer.from([0xff]), Buffer.from('","new_password":"x"}')]) });
      assert.deepEqual([json.status, ((await json.json()) as { code: string }).code], [400, 'request.invalid_encoding']);
    });

    it('no mail for an account that cannot sign in: a service account, one in its deletion grace period', async () => {
      await server.app.services.accounts.createAccount({ username: `svc-${backend.name}`, email: `svc-${backend.name}@example.com`, kind: 'service' });
      const leaving = await server.createUser();
      assert.equal((await server.request('DELETE', '/v1/me', { token: leaving.token, body: { current_password: leaving.password } })).status, 202);
      for (const login of [`svc-${backend.name}`, leaving.email]) assert.equal((await ask(login)).status, 202);
      await server.app.outbox.drain();
      assert.equal(inbox.all(`svc-${backend.name}@example.com`, 'account.password_reset').length, 0);
      assert.equal(inbox.all(leaving.email, 'account.password_reset').length, 0);
    });

    it('a link fails when unknown or malformed, a second time, and after PASSWORD_RESET_TTL (1800 s)', async () => {
      const again = await confirm(usedToken, 'Brisk-Walnut-Canyon-31');
      assert.deepEqual([again.status, again.body.code], [400, 'recovery.invalid_token'], 'a used link fails a second time');
      assert.equal((await server.request('GET', `/account/reset-password?token=${usedToken}`)).status, 400);
      for (const bad of ['', 'x', randomBytes(32).toString('base64url'), `${'A'.repeat(42)}=`]) {
        const res = await confirm(bad, NEW_PASSWORD);
        assert.deepEqual([res.status, res.body.code], [400, 'recovery.invalid_token'], bad);
      }
      assert.equal((await ask(user.email)).status, 202);
      const { token } = linkIn(await inbox.next(user.email, 'account.password_reset'));
      clock.advance(1795);
      assert.equal((await server.request('GET', `/account/reset-password?token=${token}`)).status, 200, 'still good just before its TTL');
      clock.advance(10);
      const expired = await confirm(token, 'Brisk-Walnut-Canyon-31');
      assert.deepEqual([expired.status, expired.body.code], [400, 'recovery.token_expired']);
      const page = await server.request('GET', `/account/reset-password?token=${token}`);
      assert.equal(page.status, 400);
      assert.match(page.text, /The link has expired/);
      assert.match(page.text, /href="\/account\/forgot-password"/);
      assert.equal((await tokenGrant(server, user.username, user.password)).status, 200, 'the password did not change');
    });
  });

  describe(`forgotten password: throttling and erasure (${backend.name})`, () => {
    let server: TestServer;
    const clock = movableClock();
    const mailDir = mkdtempSync(join(tmpdir(), 'profiled-reset-throttle-'));
    const ask = (login: string) => server.request('POST', '/v1/account/password-reset', { body: { login } });
    before(async () => {
      server = await startServer(backend, { clock, config: { mailDir, outboxPollMs: 20, loginMaxFailuresPerAccount: 3, loginMaxFailuresPerIp: 6, deletionGraceDays: 0 } });
    });
    after(() => server.close());

    it('per login (however it is cased) and per client address: 429 with Retry-After, sign-in unaffected, free again after the window', async () => {
      const user = await server.createUser();
      for (let i = 0; i < 3; i++) assert.equal((await ask(user.email)).status, 202);
      const refused = await ask(user.email.toUpperCase());
      assert.deepEqual([refused.status, refused.body.code], [429, 'auth.rate_limited']);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 900, String(retryAfter));
      assert.equal((await server.request('POST', '/oauth/token', form({ grant_type: 'password', username: user.username, password: user.password }))).status, 200, 'the sign-in counters are others');
      for (const login of ['a@example.com', 'b@example.com', 'c@example.com']) assert.equal((await ask(login)).status, 202);
      const perIp = await ask('d@example.com');
      assert.equal(perIp.status, 429, 'six requests from one address');
      assert.ok(Number(perIp.headers.get('retry-after')) > 0);
      const page = await postPage(server, '/account/forgot-password', { login: 'e@example.com' });
      assert.equal(page.status, 429);
      assert.ok(Number(page.headers.get('retry-after')) > 0);
      assert.match(page.html, /role="alert"[^>]*>Too many attempts/);
      clock.advance(901);
      assert.equal((await ask(user.email)).status, 202);
    });

    it('guessing tokens is throttled per client address too, on the API and the page', async () => {
      clock.advance(901);
      const guess = () => server.request('POST', '/v1/account/password-reset/confirm', { body: { token: randomBytes(32).toString('base64url'), new_password: NEW_PASSWORD } });
      for (let i = 0; i < 6; i++) assert.equal((await guess()).status, 400);
      const refused = await guess();
      assert.deepEqual([refused.status, refused.body.code], [429, 'auth.rate_limited']);
      const page = await server.request('GET', `/account/reset-password?token=${randomBytes(32).toString('base64url')}`);
      assert.equal(page.status, 429, 'the link\'s page counts the same guesses');
      assert.ok(Number(page.headers.get('retry-after')) > 0);
    });

    it('erasing an account deletes its links', async () => {
      clock.advance(901);
      const user = await server.createUser();
      assert.equal((await ask(user.email)).status, 202);
      const inbox = mailbox(mailDir);
      const { token } = linkIn(await inbox.next(user.email, 'account.password_reset'));
      assert.ok(await server.app.storage.repos.findAccountToken(sha256(token)));
      assert.equal((await server.request('DELETE', '/v1/me', { token: user.token, body: { current_password: user.password } })).status, 202);
      clock.advance(1);
      // The server's own purge may have been first; either way the account is erased now.
      await server.app.services.deletion.purge();
      assert.equal((await server.app.storage.repos.findAccount(user.id))?.status, 'deleted');
      assert.equal(await server.app.storage.repos.findAccountToken(sha256(token)), undefined);
    });
  });

  describe(`forgotten password: the same answer in about the same time for known and unknown logins (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { config: { outboxPollMs: 20, loginMaxFailuresPerAccount: 10_000, loginMaxFailuresPerIp: 10_000 } });
    });
    after(() => server.close());

    it('the median of 20 tries each differs by a few milliseconds at most, with equal status and body', async (t) => {
      const user = await server.createUser();
      const time = async (login: string) => {
        const start = performance.now();
        const res = await server.request('POST', '/v1/account/password-reset', { body: { login } });
        return { ms: performance.now() - start, status: res.status, text: res.text };
      };
      for (let i = 0; i < 5; i++) await Promise.all([time(user.email), time(`warm-${i}@example.com`)]);
      const known: number[] = [];
      const unknown: number[] = [];
      const answers = new Set<string>();
      // Interleaved, so a slow moment of the machine falls on both sides alike.
      for (let i = 0; i < 20; i++) {
        const a = await time(user.email);
        const b = await time(`nobody-${i}@example.com`);
        known.push(a.ms);
        unknown.push(b.ms);
        answers.add(`${a.status} ${a.text}`).add(`${b.status} ${b.text}`);
      }
      assert.equal(answers.size, 1, [...answers].join('\n'));
      assert.match([...answers][0]!, /^202 /);
      const gap = Math.abs(median(known) - median(unknown));
      t.diagnostic(`median ${median(known).toFixed(2)} ms known, ${median(unknown).toFixed(2)} ms unknown`);
      assert.ok(gap < 25, `medians ${median(known).toFixed(2)} ms (known) and ${median(unknown).toFixed(2)} ms (unknown)`);
    });
  });
}
