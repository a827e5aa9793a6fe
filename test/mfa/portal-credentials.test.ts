import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { backends } from '../support/backends.ts';
import { describeViolations, launchBrowser, screenshots, seriousViolations, type BrowserSession } from '../support/browser.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { codeAt, passwordGrant } from './support.ts';

/**
 * Issue 22 in the member portal, in real Chromium, by keyboard: the Credentials page sets up
 * an authenticator app (the QR code an image drawn by the server, the key as text), shows
 * the recovery codes once, lists the signed-in devices with a Sign out button each, and
 * removes the app; the server's sign-in page asks for the code. axe-core at every stage.
 */
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

for (const backend of backends) {
  describe(`Credentials page: two-step verification and devices, in Chromium (${backend.name})`, () => {
    let server: TestServer;
    let browser: BrowserSession;
    let page: Page;
    let problems: string[];
    let user: TestUser;
    let secret = '';
    let recovery: string[] = [];

    async function audit(name: string) {
      const found = await seriousViolations(page);
      assert.equal(found.length, 0, `${name}: ${describeViolations(found)}`);
      if (backend.name === 'sqlite') await screenshots(page, `mfa-${name}`);
    }
    /** Presses Tab until the control with this accessible name has the focus: it is reachable by keyboard. */
    async function tabTo(role: 'button' | 'textbox', name: string | RegExp) {
      const target = page.getByRole(role, { name }).first();
      await target.waitFor();
      for (let i = 0; i < 60; i++) {
        if (await target.evaluate((el) => el === document.activeElement)) return;
        await page.keyboard.press('Tab');
      }
      assert.fail(`${String(name)} is not reachable with Tab`);
    }
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');

    before(async () => {
      server = await startServer(backend);
      user = await server.createUser({ displayName: 'Grace Hopper' });
      browser = await launchBrowser();
      ({ page, problems } = await browser.newPage());
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('sets up an authenticator app by keyboard: password, QR code and key, first code, recovery codes once', async () => {
      await page.goto(`${server.url}/profile/credentials`);
      await page.locator('#username').fill(user.username);
      await page.locator('#password').fill(user.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
      await page.getByText(/^Off\./).waitFor();
      await audit('credentials');

      await tabTo('button', 'Set up an authenticator app');
      await page.keyboard.press('Enter');
      await page.locator('#mfa-password').waitFor();
      assert.equal(await focusedId(), 'mfa-password', 'the focus moves to the password');
      await page.keyboard.type('Not-The-Password-1');
      await page.keyboard.press('Enter');
      await page.locator('#mfa-password-error').waitFor();
      assert.equal(await page.locator('#mfa-password').getAttribute('aria-invalid'), 'true');
      await page.locator('#mfa-password').fill(user.password);
      await page.keyboard.press('Enter');

      const qr = page.getByRole('img', { name: /QR code/ });
      await qr.waitFor();
      assert.ok(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the QR code is drawn (a data: image the CSP allows)');
      assert.match((await qr.getAttribute('src'))!, /^data:image\/svg\+xml/);
      secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      assert.equal(await focusedId(), 'mfa-code');
      await audit('totp-scan');
      await page.keyboard.type(codeAt(secret, Date.now()));
      await page.keyboard.press('Enter');

      const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
      await codes.first().waitFor();
      recovery = await codes.allInnerTexts();
      assert.equal(recovery.length, 10);
      await audit('recovery-codes');
      await tabTo('button', 'I have saved them');
      await page.keyboard.press('Enter');
      await page.getByText(/^On: an authenticator app since/).waitFor();
      assert.match(await page.getByText(/recovery codes left/).innerText(), /10 recovery codes left/);
      const status = await server.request('GET', '/v1/me/mfa', { token: user.token });
      assert.equal(status.body.factors.length, 1);
    });

    it('lists the signed-in devices and signs one out with its button', async () => {
      const other = await passwordGrant(server, user.username, user.password, recovery[0], { 'user-agent': FIREFOX });
      assert.equal(other.status, 200, other.text);
      await page.reload();
      const item = page.locator('.devices li').filter({ hasText: 'Firefox on Linux' });
      await item.waitFor();
      assert.match(await item.innerText(), /password and code, from 127\.0\.0\.x/);
      const current = page.locator('.devices li').filter({ hasText: '(this device)' });
      assert.match(await current.innerText(), /^Chrome on Linux \(this device\)\n.*through the member portal, from 127\.0\.0\.x/);
      assert.equal(await current.getByRole('button').count(), 0, 'the current device has no Sign out button');
      await audit('devices');

      await item.getByRole('button', { name: 'Sign out' }).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('toast').filter({ hasText: 'Firefox on Linux was signed out.' }).waitFor();
      await item.waitFor({ state: 'detached' });
      assert.equal(await focusedId(), 'devices-title', 'the focus stays in the list');
      assert.equal((await server.request('GET', '/v1/me/profile', { token: other.body.access_token })).status, 401, 'its tokens stop at once');
    });

    it('the server\'s sign-in page asks for the code after the password, and it passes axe', async () => {
      const { page: fresh, context } = await browser.newPage();
      try {
        await fresh.goto(`${server.url}/profile/credentials`);
        await fresh.locator('#username').fill(user.username);
        await fresh.locator('#password').fill(user.password);
        await fresh.keyboard.press('Enter');
        await fresh.getByRole('heading', { name: 'Two-step verification' }).waitFor();
        assert.equal(await fresh.evaluate(() => document.activeElement?.id), 'code');
        const found = await seriousViolations(fresh);
        assert.equal(found.length, 0, describeViolations(found));
        await fresh.keyboard.type(recovery[1]!);
        await fresh.keyboard.press('Enter');
        await fresh.getByRole('heading', { name: 'Signed-in devices' }).waitFor();
        assert.match(fresh.url(), /\/profile\/credentials$/);
      } finally {
        await context.close();
      }
    });

    it('removes the authenticator app with the password and a recovery code', async () => {
      await page.reload();
      await tabTo('button', 'Remove the authenticator app…');
      await page.keyboard.press('Enter');
      assert.equal(await focusedId(), 'mfa-password');
      await page.keyboard.type(user.password);
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(), 'mfa-code');
      await page.keyboard.type(recovery[2]!);
      await page.keyboard.press('Enter');
      await page.getByTestId('toast').filter({ hasText: 'The authenticator app was removed.' }).waitFor();
      await page.getByText(/^Off\./).waitFor();
      await audit('credentials-off');
      assert.deepEqual((await server.request('GET', '/v1/me/mfa', { token: user.token })).body.factors, []);
      assert.deepEqual(problems, [], 'no page error, console error or CSP violation');
    });
  });
}
