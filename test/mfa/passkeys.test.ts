import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CDPSession, Page } from 'playwright-core';
import { backends } from '../support/backends.ts';
import { describeViolations, launchBrowser, seriousViolations, type BrowserSession } from '../support/browser.ts';
import { freePort, startServer, type TestServer, type TestUser } from '../support/server.ts';

/**
 * Issue 22, point 2, in real Chromium with a virtual authenticator (the DevTools protocol's
 * WebAuthn domain): a passkey registered on the Credentials page, used as the second factor
 * after the password and alone, a cloned authenticator (the same key, its counter behind)
 * and a replayed assertion refused, and the passkey removed. WebAuthn does not take an IP
 * address as relying party id, so PUBLIC_URL is http://localhost:<port> here.
 */
const AUTHENTICATOR = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } as const;

for (const backend of backends) {
  describe(`Passkeys in Chromium with a virtual authenticator (${backend.name})`, () => {
    let server: TestServer;
    let origin: string;
    let browser: BrowserSession;
    let page: Page;
    let problems: string[];
    let cdp: CDPSession;
    let authenticatorId: string;
    let user: TestUser;
    let captured: { body: string } | undefined;

    const amrOfSessions = async () => (await server.app.storage.repos.listLiveSessionsOf(user.id)).map((s) => s.amr);
    /** Back in the portal after a sign-in, on its Credentials page. */
    async function signedIn() {
      await page.waitForURL(/\/profile\//);
      await page.goto(`${origin}/profile/credentials`);
      await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    }
    async function signOut() {
      await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#username').waitFor();
    }

    before(async () => {
      const port = await freePort();
      origin = `http://localhost:${port}`;
      server = await startServer(backend, { port, config: { issuer: origin } });
      user = await server.createUser({ displayName: 'Katherine Johnson' });
      browser = await launchBrowser();
      const opened = await browser.newPage();
      ({ page, problems } = opened);
      cdp = await opened.context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR }));
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/oauth/v2/authorize/passkey')) captured = { body: request.postData() ?? '' };
      });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('registers a passkey on the Credentials page: password, name, the browser\'s ceremony; the first factor shows recovery codes once', async () => {
      await page.goto(`${origin}/profile/credentials`);
      await page.locator('#username').fill(user.username);
      await page.locator('#password').fill(user.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'passkey-name');
      await page.keyboard.type('Work laptop');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Not-The-Password-1');
      await page.keyboard.press('Enter');
      await page.locator('#passkey-password-error').waitFor();
      await page.locator('#passkey-password').fill(user.password);
      await page.keyboard.press('Enter');
      const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
      await codes.first().waitFor();
      assert.equal(await codes.count(), 10);
      const found = await seriousViolations(page);
      assert.equal(found.length, 0, describeViolations(found));
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await page.getByRole('list', { name: 'Your passkeys' }).getByText('Work laptop').waitFor();

      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      assert.equal(credentials.length, 1);
      assert.equal(credentials[0]!.isResidentCredential, true, 'a discoverable credential');
      assert.equal(credentials[0]!.rpId, 'localhost');
      const listed = await server.request('GET', '/v1/me/passkeys', { token: user.token });
      assert.deepEqual(listed.body.passkeys.map((p: { name: string }) => p.name), ['Work laptop']);
      const mfa = await server.request('GET', '/v1/me/mfa', { token: user.token });
      assert.deepEqual(mfa.body.factors.map((f: { kind: string; name?: string }) => [f.kind, f.name]), [['passkey', 'Work laptop']]);
      assert.equal(mfa.body.recovery_codes_left, 10);
      assert.ok(!listed.text.includes(credentials[0]!.privateKey));
    });

    it('signs in with the passkey as the second factor after the password: amr pwd hwk mfa', async () => {
      await signOut();
      await page.locator('#username').fill(user.username);
      await page.locator('#password').fill(user.password);
      await page.keyboard.press('Enter');
      const usePasskey = page.getByRole('button', { name: 'Use a passkey instead' });
      await usePasskey.waitFor();
      const found = await seriousViolations(page);
      assert.equal(found.length, 0, describeViolations(found));
      await usePasskey.click();
      await signedIn();
      assert.ok((await amrOfSessions()).includes('pwd hwk mfa'));
      const bare = await server.request('POST', '/oauth/token', { raw: new URLSearchParams({ grant_type: 'password', username: user.username, password: user.password }).toString(), contentType: 'application/x-www-form-urlencoded' });
      assert.equal(bare.body.error, 'mfa_required', 'the password grant asks for otp: a passkey is a factor too');
    });

    it('signs in with the passkey alone (discoverable, user verified): amr hwk mfa; a replay of that assertion is refused', async () => {
      await signOut();
      captured = undefined;
      await page.getByRole('button', { name: 'Use a passkey', exact: true }).click();
      await signedIn();
      assert.ok((await amrOfSessions()).includes('hwk mfa'));
      const posted = captured as { body: string } | undefined;
      assert.ok(posted, 'the assertion was posted');

      const cookie = (await page.context().cookies()).filter((c) => c.name === 'profiled_csrf').map((c) => `${c.name}=${c.value}`).join('; ');
      const replay = await fetch(`${origin}/oauth/v2/authorize/passkey`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin }, body: posted.body });
      assert.equal(replay.status, 400, 'the challenge it signed is spent');
      assert.match(await replay.text(), /passkey could not be verified/);
    });

    it('a cloned authenticator (the same key, its counter behind) is refused', async () => {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      const original = credentials[0]!;
      assert.ok(original.signCount >= 2, `the counter moved with each use: ${original.signCount}`);
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR }));
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...original, signCount: 0 } });
      await signOut();
      await page.getByRole('button', { name: 'Use a passkey', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'The passkey could not be verified' }).waitFor();
      assert.match(new URL(page.url()).pathname, /^\/oauth\/v2\/authorize/);

      // The original again, its counter where the server last saw it: it signs in.
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR }));
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: original });
      await page.getByRole('button', { name: 'Use a passkey', exact: true }).click();
      await signedIn();
    });

    it('removes the passkey with the password; the password alone signs in again', async () => {
      await page.getByRole('button', { name: 'Remove…' }).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'passkey-password');
      await page.keyboard.type(user.password);
      await page.keyboard.press('Enter');
      await page.getByTestId('toast').filter({ hasText: 'The passkey "Work laptop" was removed.' }).waitFor();
      assert.deepEqual((await server.request('GET', '/v1/me/passkeys', { token: (await server.login(user.username)).access_token })).body.passkeys, []);
      assert.deepEqual(problems, [], 'no page error, console error or CSP violation');
    });
  });
}
