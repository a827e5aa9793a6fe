import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { backends } from '../support/backends.ts';
import { describeViolations, launchBrowser, screenshots, seriousViolations, type BrowserSession } from '../support/browser.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { listStoredSms } from '../../packages/server/src/delivery/sms.ts';

/**
 * The member portal in real headless Chromium against the real server: every page edited and
 * saved, checked after a reload and through the API; errors, keyboard use, the directory,
 * the profile switcher; axe-core on every page; a screenshot of every page at two widths.
 */
const NEW_PASSWORD = 'Sturdy-Lantern-Orbit-42';
const shots: string[] = [];

for (const backend of backends) {
  describe(`member portal in Chromium (${backend.name})`, () => {
    let server: TestServer;
    let browser: BrowserSession;
    let page: Page;
    let problems: string[];
    let user: TestUser;
    const dialogs: string[] = [];
    let acceptDialogs = false;

    const coworker = async () => (await server.request('GET', '/en/profile?_resource=Coworker', { token: (await server.login(user.username, currentPassword)).access_token })).body;
    let currentPassword = '';
    const toast = (text: RegExp | string) => page.getByTestId('toast').filter({ hasText: text }).first().waitFor();
    const valueOf = (selector: string) => page.locator(selector).inputValue();
    const waitForValue = (selector: string, value: string) =>
      page.waitForFunction(([s, v]) => (document.querySelector(s!) as HTMLInputElement | null)?.value === v, [selector, value]);
    async function audit(name: string) {
      const found = await seriousViolations(page);
      assert.equal(found.length, 0, `${name}: ${describeViolations(found)}`);
      if (backend.name === 'sqlite') shots.push(...(await screenshots(page, name)));
    }
    async function open(path: string, ready: string) {
      await page.getByRole('link', { name: path, exact: true }).click();
      await page.locator(ready).waitFor();
    }

    const smsDir = mkdtempSync(join(tmpdir(), 'profiled-portal-sms-'));
    before(async () => {
      server = await startServer(backend, { config: { verifyChanges: ['email', 'mobile_phone'], smsDir, outboxPollMs: 20 } });
      user = await server.createUser({ displayName: 'Ada Lovelace', username: `ada-${backend.name}` });
      currentPassword = user.password;
      browser = await launchBrowser();
      ({ page, problems } = await browser.newPage());
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void (acceptDialogs ? d.accept() : d.dismiss());
      });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('signs in through the server\'s sign-in page (code + PKCE): a wrong password is refused there, the right one returns to the page asked for', async () => {
      await page.goto(`${server.url}/profile/billing`);
      await page.locator('#username').waitFor();
      const authorize = new URL(page.url());
      assert.equal(authorize.pathname, '/oauth/v2/authorize');
      assert.equal(authorize.searchParams.get('client_id'), 'profiled-portal');
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(authorize.searchParams.get('redirect_uri'), `${server.url}/login/callback`);
      await audit('login');
      await page.fill('#username', user.username);
      await page.fill('#password', 'not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
      await audit('login-error');
      await page.fill('#password', user.password);
      await page.keyboard.press('Enter');
      await page.locator('#field-BillingName').waitFor();
      assert.match(page.url(), /\/profile\/billing$/, 'back where the sign-in began');
      await open('Personal information', '#field-FullName');
      assert.equal(await valueOf('#field-FullName'), 'Ada Lovelace');
    });

    it('keeps no token where a script could read it: memory only, the refresh token in an httpOnly cookie', async () => {
      const stored = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length }));
      assert.deepEqual(stored, { cookie: '', local: 0, session: 0 });
      const cookies = await page.context().cookies();
      const rt = cookies.find((c) => c.name === 'profiled_rt');
      assert.ok(rt, 'the browser holds the refresh cookie');
      assert.equal(rt.httpOnly, true);
      assert.equal(rt.sameSite, 'Strict');
      assert.equal(rt.path, '/oauth');
    });

    it('Personal information: saved, kept after a reload (silent refresh), visible through the API', async () => {
      await audit('personal');
      await page.fill('#field-FullName', 'Ada King');
      await page.fill('#field-CityName', 'London');
      await page.selectOption('#field-CountryId', '826');
      await page.selectOption('#field-Gender', 'female');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await toast('Personal information saved.');
      await page.reload();
      await waitForValue('#field-FullName', 'Ada King');
      assert.equal(await valueOf('#field-CountryId'), '826');
      assert.equal(await valueOf('#field-Gender'), 'female');
      const wire = await coworker();
      assert.equal(wire.FullName, 'Ada King');
      assert.equal(wire.CityName, 'London');
      assert.equal(wire.CountryId, 826);
      assert.equal(wire.Gender, 'Female');
    });

    it('sends only the changed fields', async () => {
      const sent: unknown[] = [];
      page.on('request', (r) => r.method() === 'PATCH' && sent.push(r.postDataJSON()));
      await page.fill('#field-State', 'Greater London');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await toast('Personal information saved.');
      assert.deepEqual(sent, [{ State: 'Greater London' }]);
    });

    it('a new mobile number waits for its code at the field; the code typed there applies it', async () => {
      await page.fill('#field-MobilePhone', '+44 7400 222333');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await toast('Personal information saved. The new mobile phone applies once you enter the code sent to it.');
      const notice = page.locator('[data-pending-for="MobilePhone"]');
      await notice.getByText('+44 7400 222333').waitFor();
      assert.equal(await valueOf('#field-MobilePhone'), '', 'the field shows what is kept until the code');
      await audit('personal-pending');
      let text: string | undefined;
      for (let i = 0; i < 250 && !text; i++) {
        text = listStoredSms(smsDir, 10).find((m) => m.to === '+447400222333' && m.kind === 'phone.verify')?.text;
        if (!text) await new Promise((r) => setTimeout(r, 20));
      }
      const code = /code is (\d{6})/.exec(text ?? '')?.[1];
      assert.ok(code, 'the code was texted');
      await notice.getByLabel('Code').fill(code === '000000' ? '111111' : '000000');
      await notice.getByRole('button', { name: 'Confirm' }).click();
      await notice.getByRole('alert').waitFor();
      await notice.getByLabel('Code').fill(code);
      await notice.getByLabel('Code').press('Enter');
      await toast('Mobile phone confirmed.');
      await waitForValue('#field-MobilePhone', '+44 7400 222333');
      assert.equal(await notice.count(), 0);
      assert.equal((await coworker()).MobilePhone, '+44 7400 222333');
    });

    it('Professional profile: live sanitized preview, "Generate with AI" fills the field for review, saved and listed', async () => {
      await open('Professional profile', '#field-ProfileSummary');
      await page.fill('#field-Position', 'Analyst');
      await page.fill('#field-CompanyName', 'Engines Ltd');
      await page.fill('#field-ProfileTags', 'mathematics, engines');
      await page.fill('#field-ProfileSummary', '**Analytical** engines <img src=x onerror=alert(1)>');
      await page.getByTestId('summary-preview').locator('strong', { hasText: 'Analytical' }).waitFor();
      const preview = page.getByTestId('summary-preview');
      assert.equal(await preview.locator('img, script, [onerror]').count(), 0, await preview.innerHTML());
      assert.match(await preview.innerText(), /<img src=x onerror=alert\(1\)>/, 'shown as text');
      await page.check('#field-ProfileIsPublic');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await toast('Professional profile saved.');
      await audit('professional');

      await page.getByRole('button', { name: 'Generate with AI' }).click();
      await toast(/draft summary/);
      const draft = await valueOf('#field-ProfileSummary');
      assert.notEqual(draft, '**Analytical** engines <img src=x onerror=alert(1)>');
      assert.ok(draft.length > 40, draft);
      assert.equal((await coworker()).ProfileSummary, '**Analytical** engines <img src=x onerror=alert(1)>', 'a draft is not saved');

      // Leaving with the unsaved draft asks first; declining stays on the page.
      acceptDialogs = false;
      await page.getByRole('link', { name: 'Billing information' }).click();
      assert.match(dialogs.at(-1) ?? '', /unsaved changes/);
      assert.match(page.url(), /\/profile\/professional$/);
      acceptDialogs = true;
      await open('Billing information', '#field-BillingName');
      acceptDialogs = false;

      const wire = await coworker();
      assert.equal(wire.Position, 'Analyst');
      assert.equal(wire.ProfileTags, 'mathematics,engines');
      assert.equal(wire.ProfileIsPublic, true);
    });

    it('Billing information: an error is shown at its field and focused; then saved', async () => {
      await page.fill('#field-BillingName', 'A. King');
      await page.fill('#field-BillingEmail', 'not-an-email');
      await page.getByRole('button', { name: 'Save changes' }).click();
      const error = page.locator('[data-error-for="BillingEmail"]');
      await error.waitFor();
      assert.match(await error.innerText(), /email/i);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-BillingEmail');
      assert.equal(await page.getAttribute('#field-BillingEmail', 'aria-invalid'), 'true');
      assert.match((await page.getAttribute('#field-BillingEmail', 'aria-describedby')) ?? '', /field-BillingEmail-error/);
      await audit('billing-error');
      assert.equal((await coworker()).BillingName, '', 'nothing saved from a refused save');

      await page.fill('#field-BillingEmail', 'invoices@example.com');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await toast('Billing information saved.');
      await page.reload();
      await waitForValue('#field-BillingEmail', 'invoices@example.com');
      await audit('billing');
      const wire = await coworker();
      assert.equal(wire.BillingName, 'A. King');
      assert.equal(wire.BillingEmail, 'invoices@example.com');
    });

    it('Notifications: a preference turned off is saved', async () => {
      await open('Notifications', '#field-OnNewWallPost');
      const before = (await coworker()).OnNewWallPost as boolean;
      await page.setChecked('#field-OnNewWallPost', !before);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await toast('Notifications saved.');
      await page.reload();
      await page.locator('#field-OnNewWallPost').waitFor();
      assert.equal(await page.isChecked('#field-OnNewWallPost'), !before);
      assert.equal((await coworker()).OnNewWallPost, !before);
      await audit('notifications');
    });

    it('saves with the keyboard alone', async () => {
      await open('Personal information', '#field-NickName');
      await page.locator('#page-title').focus();
      for (let i = 0; i < 30 && (await page.evaluate(() => document.activeElement?.id)) !== 'field-NickName'; i++) await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-NickName');
      await page.keyboard.type('Countess');
      for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Save changes'; i++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await toast('Personal information saved.');
      assert.equal((await coworker()).NickName, 'Countess');
    });

    it('Credentials: the rules are shown before typing; a wrong current password is refused at its field; the new password signs in', async () => {
      await open('Credentials', '#field-OldPassword');
      const rules = await page.locator('#password-rules li').allInnerTexts();
      assert.ok(rules.some((r) => r.includes('8')), rules.join(' | '));
      await audit('credentials');
      await page.fill('#field-OldPassword', 'wrong-password-here');
      await page.fill('#field-NewPassword', NEW_PASSWORD);
      await page.fill('#field-RepeatNewPassword', NEW_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.locator('[data-error-for="OldPassword"]').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-OldPassword');
      await page.fill('#field-OldPassword', user.password);
      await page.getByRole('button', { name: 'Change password' }).click();
      await toast(/Password changed/);
      currentPassword = NEW_PASSWORD;

      await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#username').waitFor();
      await page.goto(`${server.url}/profile/personal`);
      await page.locator('#username').waitFor();
      assert.match(page.url(), /\/oauth\/v2\/authorize/, 'signed out for good: the cookie is gone');
      await page.fill('#username', user.username);
      await page.fill('#password', user.password);
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
      await page.fill('#password', NEW_PASSWORD);
      await page.keyboard.press('Enter');
      await page.locator('#field-FullName').waitFor();
    });

    it('Directory: search, tag filter and a profile view, public fields only', async () => {
      for (const [name, position, tags, summary] of [
        ['Grace Hopper', 'Rear Admiral', 'compilers,cobol', 'Wrote the *first* compiler.'],
        ['Katherine Johnson', 'Mathematician', 'orbits,mathematics', 'Computed trajectories.'],
        ['Hidden Person', 'Secret', 'mathematics', 'Not listed.'],
      ] as const) {
        const other = await server.createUser({ displayName: name });
        const res = await server.request('PATCH', '/api/public/coworker/profile', { token: other.token, body: { Position: position, ProfileTags: tags, ProfileSummary: summary, ProfileIsPublic: name !== 'Hidden Person', BillingName: `${name} Billing` } });
        assert.equal(res.status, 200, res.text);
      }
      await page.getByRole('link', { name: 'Directory' }).click();
      await page.locator('#directory-query').waitFor();
      await page.getByTestId('directory-result').first().waitFor();
      await audit('directory');
      await page.fill('#directory-query', 'hopp');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="directory-result"]').length === 1);
      assert.match(await page.getByTestId('directory-result').innerText(), /Grace Hopper/);

      await page.fill('#directory-query', '');
      await page.fill('#directory-tag', 'mathematics');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/tag=mathematics/);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="directory-result"]').length === 2);
      const names = await page.getByTestId('directory-result').locator('h3').allInnerTexts();
      assert.deepEqual(names.sort(), ['Ada King', 'Katherine Johnson']);

      await page.getByRole('link', { name: 'Katherine Johnson' }).click();
      await page.getByRole('heading', { level: 1, name: 'Katherine Johnson' }).waitFor();
      const text = await page.locator('main').innerText();
      assert.match(text, /Computed trajectories/);
      assert.doesNotMatch(text, /Billing/);
      await audit('directory-profile');
    });

    it('switches between the profiles of an account in two organizations', async () => {
      await server.app.services.accounts.createOrg({ slug: `annex-${backend.name}`, name: 'Annex Works' });
      await server.app.services.accounts.addProfile(user.username, `annex-${backend.name}`, 'Ada at the Annex');
      await page.goto(`${server.url}/profile/personal`);
      await page.locator('#profile-switcher').waitFor();
      await waitForValue('#field-FullName', 'Ada King');
      await page.selectOption('#profile-switcher', { label: 'Annex Works' });
      await toast(/Annex Works/);
      await waitForValue('#field-FullName', 'Ada at the Annex');
      await page.reload();
      await waitForValue('#field-FullName', 'Ada at the Annex');
      await audit('personal-switcher');
    });

    it('at 375 px every page is usable: no horizontal scrolling', async () => {
      await page.setViewportSize({ width: 375, height: 800 });
      for (const path of ['/profile/personal', '/profile/professional', '/profile/billing', '/profile/notifications', '/profile/credentials', '/directory']) {
        await page.goto(`${server.url}${path}`);
        await page.locator('#page-title').waitFor();
        await page.locator('form').first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('ran without a CSP violation or a script error', () => {
      assert.deepEqual(problems, []);
    });
  });
}

after(() => {
  if (shots.length) process.stdout.write(`portal screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}\n`);
});
