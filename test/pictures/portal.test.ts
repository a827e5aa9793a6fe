import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { backends } from '../support/backends.ts';
import { describeViolations, launchBrowser, screenshots, seriousViolations, type BrowserSession } from '../support/browser.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { BLUE, GREEN, near, pixel, RED, bands } from './images.ts';
import { fetchFile, variantOf } from './upload-client.ts';

/**
 * The photo control and the avatars in real Chromium against the real server: choose a file,
 * move the square with the keyboard, upload with progress, see the face in the header and the
 * directory, remove it; axe-core at desktop width and at 375 px, no CSP violation, no error.
 */
for (const backend of backends) {
  describe(`portal photo control and avatars in Chromium (${backend.name})`, () => {
    let server: TestServer;
    let browser: BrowserSession;
    let page: Page;
    let problems: string[];
    let user: TestUser;
    let peer: TestUser;

    async function audit(name: string) {
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        const found = await seriousViolations(page);
        assert.equal(found.length, 0, `${name} at ${width} px: ${describeViolations(found)}`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      if (backend.name === 'sqlite') await screenshots(page, `photo-${name}`);
    }

    before(async () => {
      server = await startServer(backend);
      user = await server.createUser({ displayName: 'Ada Lovelace', username: `photo-ada-${backend.name}` });
      peer = await server.createUser({ displayName: 'Grace Hopper' });
      for (const u of [user, peer]) assert.equal((await server.request('PATCH', '/v1/me/profile', { token: u.token, body: { is_public: true } })).status, 200);
      browser = await launchBrowser();
      ({ page, problems } = await browser.newPage());
      await page.goto(`${server.url}/profile/personal`);
      await page.fill('#username', user.username);
      await page.fill('#password', user.password);
      await page.keyboard.press('Enter');
      await page.locator('#field-FullName').waitFor();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      // The one failed request the browser logs is the refused upload this test sends on purpose.
      assert.deepEqual(problems.filter((p) => !/status of 415 /.test(p)), [], 'no script error and no CSP violation');
    });

    it('without a photo: initials in the header and in the photo control', async () => {
      await page.getByTestId('me').getByTestId('avatar-initials').filter({ hasText: 'AL' }).waitFor();
      await page.locator('.photo').getByTestId('avatar-initials').filter({ hasText: 'AL' }).waitFor();
      await audit('none');
    });

    it('choose a file, move the square with the keyboard, upload with progress: the cut is the one shown', async () => {
      // Wide: red, green, blue bands. Centred, the square is green; moved fully left, red.
      const wide = await (await bands(600, 200, [RED, GREEN, BLUE])).png().toBuffer();
      await page.locator('#photo-file').setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: wide });
      const crop = page.getByTestId('photo-crop');
      await crop.locator('img').waitFor();
      await audit('chosen');
      await crop.focus();
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
      assert.equal(await page.locator('#photo-x').inputValue(), '0', 'the arrow keys moved the square to the left edge');
      assert.equal(await crop.locator('img').evaluate((img) => (img as HTMLImageElement).style.objectPosition), '0% 50%');
      const progressSeen = page.waitForRequest((r) => r.method() === 'PUT' && r.url().includes('/v1/me/picture?x=0.000&y=0.500'));
      await page.getByRole('button', { name: 'Upload photo' }).click();
      await progressSeen;
      await page.getByTestId('toast').filter({ hasText: 'Photo saved.' }).first().waitFor();
      const profile = await server.request('GET', '/v1/me/profile', { token: user.token });
      assert.match(profile.body.picture, /\/pictures\/[0-9a-f]{64}-256\.jpg$/);
      const saved = await fetchFile(server, variantOf(profile.body.picture, 64, 'jpg'), { token: user.token });
      assert.ok(near(await pixel(saved.bytes, 32, 32), RED), 'the square was cut at the left edge');
      // The header shows it: fetched with the token, as an object URL.
      const header = page.getByTestId('me').getByTestId('avatar-img');
      await header.waitFor();
      assert.match((await header.getAttribute('src')) ?? '', /^blob:/);
      await page.locator('.photo').getByTestId('avatar-img').waitFor();
      await audit('uploaded');
    });

    it('the directory list and the profile view show the faces, initials for who has none', async () => {
      await page.getByRole('link', { name: 'Directory', exact: true }).click();
      const ada = page.getByTestId('directory-result').filter({ hasText: 'Ada Lovelace' });
      const img = ada.getByTestId('avatar-img');
      await img.waitFor();
      assert.match((await img.getAttribute('src')) ?? '', /^\/pictures\/[0-9a-f]{64}-64\.jpg$/, 'a listed picture is loaded by its path on this origin');
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="directory-result"] img')].every((i) => i.complete && i.naturalWidth > 0));
      await page.getByTestId('directory-result').filter({ hasText: 'Grace Hopper' }).getByTestId('avatar-initials').filter({ hasText: 'GH' }).waitFor();
      await audit('directory');
      await ada.getByRole('link', { name: 'Ada Lovelace' }).click();
      await page.locator('.profile-view').getByTestId('avatar-img').waitFor();
      await audit('profile-view');
    });

    it('a refused file is explained at the control, and nothing changes', async () => {
      await page.getByRole('link', { name: 'My profile', exact: true }).click();
      await page.locator('#photo-file').waitFor();
      const before = (await server.request('GET', '/v1/me/profile', { token: user.token })).body.picture;
      await page.locator('#photo-file').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
      await page.getByTestId('photo-crop').waitFor();
      await page.getByRole('button', { name: 'Upload photo' }).click();
      await page.locator('.photo [role="alert"]').filter({ hasText: 'JPEG, PNG, WebP, GIF or AVIF' }).waitFor();
      await audit('refused');
      assert.equal((await server.request('GET', '/v1/me/profile', { token: user.token })).body.picture, before);
      await page.getByRole('button', { name: 'Cancel' }).click();
    });

    it('Remove photo: back to initials everywhere', async () => {
      await page.getByRole('button', { name: 'Remove photo' }).click();
      await page.getByTestId('toast').filter({ hasText: 'Photo removed.' }).first().waitFor();
      await page.getByTestId('me').getByTestId('avatar-initials').filter({ hasText: 'AL' }).waitFor();
      assert.equal((await server.request('GET', '/v1/me/profile', { token: user.token })).body.picture, null);
    });
  });
}
