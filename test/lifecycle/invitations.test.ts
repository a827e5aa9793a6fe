import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signInThrough } from '../oidc/support.ts';
import { backends } from '../support/backends.ts';
import { linkIn, mailbox, movableClock } from '../support/mailbox.ts';
import { runCli } from '../support/process.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

/**
 * Issue 19, point 2: an operator (`profiled user invite`) or an administrator
 * (`POST /v1/admin/invitations`) brings a member in without choosing their password; the
 * mailed link sets it, and until then the account signs in no more than a wrong password does.
 */
const CHOSEN = 'Amber-Falcon-Meridian-58';
const form = (fields: Record<string, string>) => ({ raw: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' });

for (const backend of backends) {
  describe(`invitations (${backend.name})`, () => {
    let server: TestServer;
    let member: TestUser;
    let admin: { id: string; token: string };
    const clock = movableClock();
    const mailDir = mkdtempSync(join(tmpdir(), 'profiled-invite-mail-'));
    const inbox = mailbox(mailDir);
    const cli = (...args: string[]) => runCli(args, { DATABASE_URL: server.databaseUrl, MAIL_DIR: mailDir, PUBLIC_URL: server.url });
    const grant = (username: string, password: string) => server.request('POST', '/oauth/token', form({ grant_type: 'password', username, password }));
    const confirm = (token: string, password: string) => server.request('POST', '/v1/account/password-reset/confirm', { body: { token, new_password: password } });
    const invite = (body: Record<string, unknown>, token = admin.token) => server.request('POST', '/v1/admin/invitations', { token, body });
    const authorizeUrl = () =>
      `${server.url}/oauth/v2/authorize?${new URLSearchParams({ client_id: 'profiled-portal', redirect_uri: `${server.url}/login/callback`, response_type: 'code', scope: 'openid', state: 's1', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`;
    const signInMessage = async (username: string, password: string) => {
      const res = await signInThrough(authorizeUrl(), username, password);
      return { status: res.status, alert: /<p class="form-error" role="alert"[^>]*>([^<]*)<\/p>/.exec(res.html)?.[1], location: res.location };
    };
    before(async () => {
      server = await startServer(backend, { clock, config: { mailDir, outboxPollMs: 20 } });
      member = await server.createUser();
      const created = await server.app.services.accounts.createAccount({ email: `admin-${backend.name}@example.com`, password: 'Admin-Passphrase-2718', username: `admin-${backend.name}`, kind: 'admin' });
      admin = { id: created.id, token: (await server.login(created.username, 'Admin-Passphrase-2718')).access_token };
    });
    after(() => server.close());

    it('profiled user invite → the account as JSON (as user create prints one); the server mails the link; until it is used, sign-in fails exactly as with a wrong password; then the first sign-in', async () => {
      const email = `grace-${backend.name}@example.com`;
      const res = await cli('user', 'invite', '--email', email, '--display-name', 'Grace Hopper');
      assert.equal(res.code, 0, res.stderr);
      const account = JSON.parse(res.stdout);
      assert.deepEqual([account.username, account.email, account.kind, account.status, account.org], [email, email, 'human', 'active', 'default']);
      assert.ok(account.id && account.profile_id);
      assert.equal(account.password_hash, undefined, 'never a hash');
      const expiresIn = Date.parse(account.invitation_expires_at) - Date.now();
      assert.ok(Math.abs(expiresIn - 604_800_000) < 120_000, `INVITATION_TTL is 7 days (${expiresIn} ms)`);
      const created = await cli('user', 'create', '--email', `plain-${backend.name}@example.com`, '--password', 'Plain-Account-Pass-61');
      for (const key of Object.keys(JSON.parse(created.stdout))) assert.ok(key in account, `user invite prints ${key} as user create does`);

      const mail = await inbox.next(email, 'account.invitation');
      assert.equal(mail.subject, 'You are invited to Default');
      assert.match(mail.text, new RegExp(`Your username is ${email.replace(/[.]/g, '\\.')}`));
      const { url, token } = linkIn(mail);
      assert.ok(url.startsWith(`${server.url}/account/reset-password?token=`), url);
      assert.match(mail.text, new RegExp(`\\n${token}\\n`), 'the token spelled out');

      const invited = await grant(email, 'anything-at-all-1');
      const wrong = await grant(member.username, 'not-the-password');
      assert.deepEqual([invited.status, invited.body], [wrong.status, wrong.body]);
      assert.equal(invited.body.error, 'invalid_grant');
      const pageInvited = await signInMessage(email, 'anything-at-all-1');
      const pageWrong = await signInMessage(member.username, 'not-the-password');
      assert.deepEqual(pageInvited, pageWrong, 'the sign-in page says what it says for a wrong password');
      assert.equal(pageInvited.alert, 'The username or password is incorrect.');

      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<h1>Choose your password<\/h1>/);
      assert.equal((await confirm(token, CHOSEN)).status, 204);
      const first = await grant(email, CHOSEN);
      assert.equal(first.status, 200, first.text);
      const profile = await server.request('GET', '/v1/me/profile', { token: first.body.access_token });
      assert.deepEqual([profile.body.display_name, profile.body.id], ['Grace Hopper', account.profile_id]);
      const signedIn = await signInMessage(email, CHOSEN);
      assert.equal(signedIn.status, 303);
      assert.match(signedIn.location ?? '', /\/login\/callback\?code=/);
      const ready = await inbox.next(email, 'account.password_changed');
      assert.equal(ready.subject, 'Your account is ready');
    });

    it('--resend mails a new link and voids the old one; an account with a password cannot be invited again (exit 1); bad arguments exit 2', async () => {
      const email = `alan-${backend.name}@example.com`;
      assert.equal((await cli('user', 'invite', '--email', email, '--username', `alan-${backend.name}`)).code, 0);
      const old = linkIn(await inbox.next(email, 'account.invitation'));
      const resent = await cli('user', 'invite', '--resend', '--email', email);
      assert.equal(resent.code, 0, resent.stderr);
      assert.equal(JSON.parse(resent.stdout).username, `alan-${backend.name}`);
      const fresh = linkIn(await inbox.next(email, 'account.invitation'));
      assert.notEqual(fresh.token, old.token);
      const voided = await confirm(old.token, CHOSEN);
      assert.deepEqual([voided.status, voided.body.code], [400, 'recovery.invalid_token']);
      assert.equal((await confirm(fresh.token, CHOSEN)).status, 204);
      assert.equal((await grant(`alan-${backend.name}`, CHOSEN)).status, 200);

      const again = await cli('user', 'invite', '--resend', '--email', email);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /password already/);
      const taken = await cli('user', 'invite', '--email', email);
      assert.equal(taken.code, 1);
      assert.equal((await cli('user', 'invite', '--resend', '--email', 'nobody@example.com')).code, 1);
      assert.equal((await cli('user', 'invite', '--resend', '--email', email, '--org', 'default')).code, 2);
      assert.equal((await cli('user', 'invite')).code, 2);
    });

    it('POST /v1/admin/invitations: an administrator or a service account of the org → 201 the account; a person → 403; another org → 403; a taken address or bad input → 400; resend → 200', async () => {
      const email = `ada-${backend.name}@example.com`;
      const res = await invite({ email, display_name: 'Ada Byron', username: `ada-${backend.name}` });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual([res.body.email, res.body.username, res.body.kind, res.body.org], [email, `ada-${backend.name}`, 'human', 'default']);
      assert.equal(res.body.password_hash, undefined);
      const first = linkIn(await inbox.next(email, 'account.invitation'));
      assert.equal((await grant(email, 'anything-at-all-1')).body.error, 'invalid_grant');

      assert.equal((await invite({ email: `x-${backend.name}@example.com` }, member.token)).status, 403);
      await server.app.services.accounts.createOrg({ slug: `other-${backend.name}`, name: 'Other' });
      const elsewhere = await invite({ email: `y-${backend.name}@example.com`, org: `other-${backend.name}` });
      assert.deepEqual([elsewhere.status, elsewhere.body.code], [403, 'auth.forbidden']);
      const taken = await invite({ email: member.email, username: `fresh-${backend.name}` });
      assert.deepEqual([taken.status, taken.body.code], [400, 'account.email_taken']);
      for (const body of [{}, { email: 'not an address' }, { email, extra: 1 }]) assert.equal((await invite(body)).status, 400, JSON.stringify(body));
      assert.equal((await server.request('POST', '/v1/admin/invitations', { body: { email: 'z@example.com' } })).status, 401);

      await server.app.services.accounts.createAccount({ username: `host-${backend.name}`, kind: 'service' });
      const { key } = await server.app.services.accounts.createApiKey(`host-${backend.name}`);
      const byHost = await invite({ email: `host-invitee-${backend.name}@example.com` }, key);
      assert.equal(byHost.status, 201, byHost.text);
      await inbox.next(`host-invitee-${backend.name}@example.com`, 'account.invitation');

      const resent = await invite({ email, resend: true });
      assert.equal(resent.status, 200, resent.text);
      const second = linkIn(await inbox.next(email, 'account.invitation'));
      assert.equal((await confirm(first.token, CHOSEN)).body.code, 'recovery.invalid_token');
      assert.equal((await confirm(second.token, CHOSEN)).status, 204);
      const history = (await server.request('GET', '/v1/me/history?limit=1', { token: (await server.login(email, CHOSEN)).access_token })).body;
      assert.equal(history.events[0].kind, 'account.password_changed');
    });

    it('an invitation link stops working after INVITATION_TTL (7 days)', async () => {
      const email = `late-${backend.name}@example.com`;
      assert.equal((await invite({ email })).status, 201);
      const { token } = linkIn(await inbox.next(email, 'account.invitation'));
      clock.advance(604_800 + 1);
      const expired = await confirm(token, CHOSEN);
      assert.deepEqual([expired.status, expired.body.code], [400, 'recovery.token_expired']);
      assert.equal((await grant(email, CHOSEN)).body.error, 'invalid_grant');
    });
  });
}
