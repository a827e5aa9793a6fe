import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

const APP_MARK = '<div id="root"></div>';
const PORTAL_PATHS = ['/', '/login', '/login/callback', '/profile', '/profile/personal', '/profile/credentials', '/directory', '/directory/12'];

/** A concrete path for a route pattern: every parameter filled with something plausible. */
const concrete = (url: string) => url.replace(/:lang\([^)]*\)/g, 'en').replace(/::/g, ':').replace(/:[A-Za-z]+(\([^)]*\))?/g, '1').replace(/\*$/, 'x');

for (const backend of backends) {
  describe(`portal serving and its sign-in (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    let origin: string;
    const portalToken = (params: Record<string, string>, headers: Record<string, string> = { origin }) =>
      server.request('POST', '/oauth/token', { raw: new URLSearchParams({ client_id: 'profiled-portal', ...params }).toString(), contentType: 'application/x-www-form-urlencoded', headers });
    const cookieOf = (res: { headers: Headers }) => /profiled_rt=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

    before(async () => {
      server = await startServer(backend);
      origin = server.url;
      user = await server.createUser({ displayName: 'Portal Person' });
    });
    after(() => server.close());

    it('serves the app at each of its paths, never cached, under a CSP that allows no inline script', async () => {
      for (const path of PORTAL_PATHS) {
        const res = await server.request('GET', path, { headers: { accept: 'text/html' } });
        assert.equal(res.status, 200, path);
        assert.ok(res.text.includes(APP_MARK), path);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        assert.equal(res.headers.get('cache-control'), 'no-cache');
        const csp = res.headers.get('content-security-policy') ?? '';
        const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? '';
        assert.equal(scriptSrc.trim(), "'self'", csp);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.match(csp, /script-src-attr 'none'/);
      }
    });

    it('its scripts are files of the build, cached for a year; the page has no inline script', async () => {
      const html = (await server.request('GET', '/')).text;
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.ok(scripts.length > 0);
      for (const [, attrs, body] of scripts) {
        assert.equal(body!.trim(), '', 'inline script body');
        const src = /src="([^"]+)"/.exec(attrs!)?.[1];
        assert.ok(src?.startsWith('/assets/'), attrs);
        const asset = await server.request('GET', src!);
        assert.equal(asset.status, 200);
        assert.match(asset.headers.get('content-type') ?? '', /javascript/);
        assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
      }
      assert.equal((await server.request('GET', '/assets/not-built.js')).status, 404);
    });

    it('no API route is shadowed by the app: every other GET route answers its own way, even asked for HTML', async () => {
      const routes = server.app.routes.filter((r) => r.method === 'GET' && !PORTAL_PATHS.includes(r.url) && !r.url.startsWith('/profile') && !r.url.startsWith('/directory/') && !r.url.startsWith('/assets/'));
      assert.ok(routes.length > 30, `only ${routes.length} routes`);
      for (const r of routes) {
        const res = await server.request('GET', concrete(r.url), { headers: { accept: 'text/html' } });
        assert.ok(!res.text.includes(APP_MARK), `${r.url} answered the portal`);
        assert.ok(res.status < 500, `${r.url}: ${res.status}`);
      }
      for (const path of ['/nope', '/v1/nope', '/profiles', '/api/nope', '/directoryx']) {
        const res = await server.request('GET', path, { headers: { accept: 'text/html' } });
        assert.equal(res.status, 404, path);
        assert.ok(!res.text.includes(APP_MARK), path);
      }
    });

    it('the portal client gets its refresh token only as an httpOnly, SameSite=Strict cookie scoped to /oauth', async () => {
      const res = await portalToken({ grant_type: 'password', username: user.username, password: user.password });
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.access_token);
      assert.equal(res.body.refresh_token, undefined);
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^profiled_rt=[A-Za-z0-9_-]{20,};/);
      for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/oauth']) assert.ok(cookie.split('; ').includes(attr), `${attr} in ${cookie}`);
      assert.match(cookie, /Max-Age=\d+/);
      assert.ok(!cookie.includes('Secure'), 'Secure only under https');
    });

    it('the cookie is honoured only from the server\'s own origin', async () => {
      const login = await portalToken({ grant_type: 'password', username: user.username, password: user.password });
      const rt = cookieOf(login)!;
      for (const headers of [{}, { origin: 'https://evil.example' }, { origin: 'http://127.0.0.1:1' }] as Record<string, string>[]) {
        const res = await portalToken({ grant_type: 'refresh_token' }, { ...headers, cookie: `profiled_rt=${rt}` });
        assert.equal(res.status, 400, JSON.stringify(headers));
        assert.equal(res.body.error, 'invalid_request');
      }
      // Refused before the token was looked at: it still works from the right origin.
      const ok = await portalToken({ grant_type: 'refresh_token' }, { origin, cookie: `profiled_rt=${rt}` });
      assert.equal(ok.status, 200, ok.text);
    });

    it('refresh rotates the cookie; a spent cookie ends the session; revoke clears it and kills the access token', async () => {
      const login = await portalToken({ grant_type: 'password', username: user.username, password: user.password });
      const first = cookieOf(login)!;
      const refreshed = await portalToken({ grant_type: 'refresh_token' }, { origin, cookie: `profiled_rt=${first}` });
      assert.equal(refreshed.status, 200);
      const second = cookieOf(refreshed)!;
      assert.notEqual(second, first);
      const access = refreshed.body.access_token as string;
      assert.equal((await server.request('GET', '/v1/me/profile', { token: access })).status, 200);

      const revoke = await server.request('POST', '/oauth/revoke', { raw: 'client_id=profiled-portal', contentType: 'application/x-www-form-urlencoded', headers: { origin, cookie: `profiled_rt=${second}` } });
      assert.equal(revoke.status, 200);
      assert.match(revoke.headers.get('set-cookie') ?? '', /^profiled_rt=; .*Max-Age=0/);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: access })).status, 401);
      const again = await portalToken({ grant_type: 'refresh_token' }, { origin, cookie: `profiled_rt=${second}` });
      assert.equal(again.status, 400);
      assert.equal(again.body.error, 'invalid_grant');
      assert.match(again.headers.get('set-cookie') ?? '', /Max-Age=0/);

      const other = cookieOf(await portalToken({ grant_type: 'password', username: user.username, password: user.password }))!;
      const spent = await portalToken({ grant_type: 'refresh_token' }, { origin, cookie: `profiled_rt=${other}` });
      const reuse = await portalToken({ grant_type: 'refresh_token' }, { origin, cookie: `profiled_rt=${other}` });
      assert.equal(reuse.status, 400);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: spent.body.access_token })).status, 401, 'reuse ended the session');
    });

    it('RFC 7009 revoke for any client: the token\'s session ends; unknown tokens answer 200; no token is a 400', async () => {
      const pair = await server.login(user.username);
      assert.equal((await server.request('POST', '/oauth/revoke', { raw: `token=${pair.refresh_token}`, contentType: 'application/x-www-form-urlencoded' })).status, 200);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: pair.access_token })).status, 401);
      assert.equal((await server.request('POST', '/oauth/revoke', { body: { token: 'no-such-token' } })).status, 200);
      const missing = await server.request('POST', '/oauth/revoke', { body: {} });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, 'invalid_request');
      const meta = await server.request('GET', '/.well-known/openid-configuration');
      assert.equal(meta.body.revocation_endpoint, 'http://127.0.0.1/oauth/revoke');
    });

    it('form metadata names the five pages; the password rules and the summary preview are served to the signed-in', async () => {
      const schema = await server.request('GET', '/v1/profile-schema');
      assert.deepEqual(schema.body.pages.map((p: { label: string }) => p.label), ['Personal information', 'Professional profile', 'Billing information', 'Notifications', 'Credentials']);
      const sections = new Set(schema.body.fields.map((f: { section: string }) => f.section));
      for (const p of schema.body.pages) for (const s of p.sections) assert.ok(sections.has(s), s);

      const rules = await server.request('GET', '/v1/me/password-policy', { token: user.token });
      assert.equal(rules.status, 200);
      assert.equal(rules.body.policy.min_length, 8);
      assert.ok(rules.body.rules.some((r: string) => r.includes('8')));
      assert.equal((await server.request('GET', '/v1/me/password-policy')).status, 401);

      const preview = await server.request('POST', '/v1/me/profile/summary:preview', { token: user.token, body: { summary: '**Bold** <script>alert(1)</script> [x](javascript:alert(1))' } });
      assert.equal(preview.status, 200);
      assert.match(preview.body.summary_html, /<strong>Bold<\/strong>/);
      assert.doesNotMatch(preview.body.summary_html, /<script|href="javascript/i);
      const bad = await server.request('POST', '/v1/me/profile/summary:preview', { token: user.token, body: { summary: { nested: true } } });
      assert.equal(bad.status, 400);
      assert.equal((await server.request('POST', '/v1/me/profile/summary:preview', { body: { summary: 'x' } })).status, 401);
    });
  });
}
