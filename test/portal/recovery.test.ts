import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { backends } from '../support/backends.ts';
import { describeViolations, launchBrowser, screenshots, seriousViolations, type BrowserSession } from '../support/browser.ts';
import { linkIn, mailbox, movableClock } from '../support/mailbox.ts';
import { freePort, startServer, type TestServer, type TestUser } from '../support/server.ts';

/**
 * Issue 19's reset flow end to end in real headless Chromium, reading the link from the mail
 * the file transport wrote: from the sign-in page's "Forgot your password?" to a first
 * sign-in with the new password, by keyboard alone, with axe-core on every page at desktop
 * width and at 375 px.
 */
const NEW_PASSWORD = 'Copper-Kettle-Lighthouse-73';
const form = (fields: Record<string, string>) => ({ raw: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' });

for (const backend of backends) {
  describe(`password recovery in Chromium (${backend.name})`, () => {
    let server: TestServer;
    let browser: BrowserSession;
    let page: Page;
    let problems: string[];
    let user: TestUser;
    let link: { url: string; token: string };
    let issuer = '';
    const clock = movableClock();
    const mailDir = mkdtempSync(join(tmpdir(), 'profiled-recovery-mail-'));
    const inbox = mailbox(mailDir);
    const grant = (username: string, password: string) => server.request('POST', '/oauth/token', form({ grant_type: 'password', username, password }));

    /** axe-core at desktop width and at 375 px, where nothing may need a sideways scroll. */
    async function audit(name: string) {
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        const found = await seriousViolations(page);
        assert.equal(found.length, 0, `${name} at ${width} px: ${describeViolations(found)}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${name} scrolls sideways at ${width} px by ${overflow} px`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      if (backend.name === 'sqlite') await screenshots(page, `recovery-${name}`);
    }
    const focused = () => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));

    before(async () => {
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      server = await startServer(backend, { port, clock, config: { issuer, mailDir, outboxPollMs: 20 } });
      user = await server.createUser({ displayName: 'Ada Lovelace', username: `ada-recovery-${backend.name}` });
      browser = await launchBrowser();
      ({ page, problems } = await browser.newPage());
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('the sign-in page links to "Forgot your password?"; by keyboard alone the recovery form sends the link, and the same page follows for any login', async () => {
      await page.goto(`${server.url}/profile/personal`);
      await page.locator('#username').waitFor();
      await audit('sign-in');
      assert.equal((await focused()).id, 'username', 'the sign-in form starts at its first field');
      for (let i = 0; i < 6 && (await focused()).text !== 'Forgot your password?'; i++) await page.keyboard.press('Tab');
      assert.equal((await focused()).text, 'Forgot your password?', 'the link is reached with Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/account/forgot-password');
      await audit('forgot');
      assert.equal((await focused()).id, 'login');
      await page.keyboard.type(user.email);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
      await audit('forgot-sent');
      const back = page.getByRole('link', { name: 'Back to sign in' });
      assert.match((await back.getAttribute('href')) ?? '', /^\/oauth\/v2\/authorize\?client_id=profiled-portal&/, 'back to the sign-in page it came from');
      const sentFor = await page.content();
      await page.goBack();
      await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
      await page.fill('#login', `nobody-${backend.name}@example.com`);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
      assert.equal(await page.content(), sentFor, 'nothing tells a known login from an unknown one');

      link = linkIn(await inbox.next(user.email, 'account.password_reset'));
      assert.ok(link.url.startsWith(`${issuer}/account/reset-password?token=`), link.url);
      assert.equal((await grant(user.username, user.password)).status, 200, 'the old password works until the reset');
    });

    it('the mailed link opens the set-password page: the rules before typing, a refused password reported at its field, then the new password set — all by keyboard', async () => {
      await page.goto(link.url);
      await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
      await audit('reset');
      const rules = await page.locator('#password-rules li').allTextContents();
      assert.ok(rules.length >= 3 && rules[0]!.startsWith('Between 8 and 128'), rules.join(' | '));
      assert.equal(await page.locator('#new_password').getAttribute('aria-describedby'), 'password-rules');
      assert.equal((await focused()).id, 'new_password');
      await page.keyboard.type('password');
      await page.keyboard.press('Tab');
      await page.keyboard.type('password');
      await page.keyboard.press('Enter');
      const error = page.locator('#new_password-error');
      await error.waitFor();
      assert.match(await error.textContent() ?? '', /commonly used/);
      assert.equal(await page.locator('#new_password').getAttribute('aria-invalid'), 'true');
      assert.match((await page.locator('#new_password').getAttribute('aria-describedby')) ?? '', /new_password-error/);
      assert.equal((await focused()).id, 'new_password', 'the field in error has the focus');
      await audit('reset-error');
      assert.equal((await grant(user.username, user.password)).status, 200, 'a refused password changed nothing');

      await page.keyboard.type(NEW_PASSWORD);
      await page.keyboard.press('Tab');
      await page.keyboard.type(NEW_PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Your password is set' }).waitFor();
      await audit('reset-done');
    });

    it('afterwards the old password fails and the new one works; every other session is dead; the link fails a second time', async () => {
      const old = await grant(user.username, user.password);
      assert.deepEqual([old.status, old.body.error], [400, 'invalid_grant']);
      assert.equal((await grant(user.username, NEW_PASSWORD)).status, 200);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: user.token })).status, 401);
      const refreshed = await server.request('POST', '/oauth/token', form({ grant_type: 'refresh_token', refresh_token: user.refreshToken }));
      assert.deepEqual([refreshed.status, refreshed.body.error], [400, 'invalid_grant']);
      assert.equal((await inbox.next(user.email, 'account.password_changed')).subject, 'Your password was changed');

      const again = await page.goto(link.url);
      assert.equal(again?.status(), 400);
      await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
      await audit('link-used');
    });

    it('the portal signs in with the new password, and its Credentials page links to recovery too', async () => {
      await page.goto(`${server.url}/profile/credentials`);
      await page.locator('#username').waitFor();
      await page.fill('#username', user.username);
      await page.fill('#password', user.password);
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
      await page.fill('#password', NEW_PASSWORD);
      await page.keyboard.press('Enter');
      await page.locator('#password-rules').waitFor();
      const forgot = page.getByRole('link', { name: 'Forgot your password?' });
      assert.equal(await forgot.getAttribute('href'), '/account/forgot-password');
      const found = await seriousViolations(page);
      assert.equal(found.length, 0, describeViolations(found));
    });

    it('a link fails after PASSWORD_RESET_TTL (30 minutes)', async () => {
      assert.equal((await server.request('POST', '/v1/account/password-reset', { body: { login: user.username } })).status, 202);
      const late = linkIn(await inbox.next(user.email, 'account.password_reset'));
      clock.advance(1801);
      const res = await page.goto(late.url);
      assert.equal(res?.status(), 400);
      await page.getByText('The link has expired').waitFor();
      await audit('link-expired');
      await page.getByRole('link', { name: 'Ask for a new link' }).click();
      await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
      assert.deepEqual(problems, [], 'no CSP violation or script error on any page');
    });
  });
}
