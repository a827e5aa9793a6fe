import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { runCli } from '../support/process.ts';
import { PASSWORD, startServer, type TestServer } from '../support/server.ts';
import { passwordGrant } from './support.ts';

/**
 * Issue 22, point 6: an org's second-factor policy set by `profiled org set` and by the
 * native admin API; with `required`, the password grant answers mfa_required to a member
 * without a factor (the sign-in page's enrolment is in sign-in-page.test.ts).
 */
for (const backend of backends) {
  describe(`Second-factor policy (${backend.name})`, () => {
    let server: TestServer;
    let env: Record<string, string>;
    before(async () => {
      server = await startServer(backend);
      env = { DATABASE_URL: server.databaseUrl };
    });
    after(() => server.close());

    it('profiled org set --mfa required|optional prints the policy; bad values are usage errors (exit 2), an unknown org exit 1', async () => {
      await server.app.services.accounts.createOrg({ slug: 'cli-strict', name: 'CLI Strict' });
      const member = await server.app.services.accounts.createAccount({ email: `cli-${backend.name}@example.com`, password: PASSWORD, username: `cli-${backend.name}`, org: 'cli-strict', displayName: 'Member' });
      assert.equal((await passwordGrant(server, member.username, PASSWORD)).status, 200);

      const set = await runCli(['org', 'set', '--slug', 'cli-strict', '--mfa', 'required'], env);
      assert.equal(set.code, 0, set.stderr);
      assert.deepEqual(JSON.parse(set.stdout), { mfa: 'required', new_device_notice: true });
      const refused = await passwordGrant(server, member.username, PASSWORD);
      assert.equal(refused.status, 403, 'the running server reads the policy the CLI wrote');
      assert.equal(refused.body.error, 'mfa_required');
      assert.match(refused.body.error_description, /requires a second factor/);

      const quiet = await runCli(['org', 'set', '--slug', 'cli-strict', '--new-device-notice', 'off'], env);
      assert.deepEqual(JSON.parse(quiet.stdout), { mfa: 'required', new_device_notice: false });
      const optional = await runCli(['org', 'set', '--slug', 'cli-strict', '--mfa', 'optional'], env);
      assert.deepEqual(JSON.parse(optional.stdout), { mfa: 'optional', new_device_notice: false });
      assert.equal((await passwordGrant(server, member.username, PASSWORD)).status, 200);

      for (const args of [['--mfa', 'always'], ['--new-device-notice', 'maybe'], []]) {
        const bad = await runCli(['org', 'set', '--slug', 'cli-strict', ...args], env);
        assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
      }
      const missing = await runCli(['org', 'set', '--slug', 'nowhere', '--mfa', 'required'], env);
      assert.equal(missing.code, 1, missing.stderr);
      const help = await runCli(['org', 'set', '--help'], env);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /--mfa required\|optional/);
    });

    it('GET/PUT /v1/admin/security-policy: administrators of the org only; bad bodies are 400', async () => {
      const admin = await server.app.services.accounts.createAccount({ email: `admin-${backend.name}@example.com`, password: PASSWORD, username: `admin-${backend.name}`, org: null, kind: 'admin', displayName: 'Admin' });
      const adminToken = (await server.login(admin.username)).access_token;
      const person = await server.createUser();
      assert.deepEqual((await server.request('GET', '/v1/admin/security-policy', { token: adminToken })).body, { mfa: 'optional', new_device_notice: true });
      assert.equal((await server.request('GET', '/v1/admin/security-policy', { token: person.token })).status, 403);
      assert.equal((await server.request('PUT', '/v1/admin/security-policy', { token: person.token, body: { mfa: 'required' } })).status, 403);
      for (const raw of ['{"mfa":"always"}', '{"mfa":true}', '{"other":1}', '{"mfa":', '[]']) {
        const res = await server.request('PUT', '/v1/admin/security-policy', { token: adminToken, raw });
        assert.equal(res.status, 400, `${raw}: ${res.text}`);
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      }
      const set = await server.request('PUT', '/v1/admin/security-policy', { token: adminToken, body: { mfa: 'required' } });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(set.body, { mfa: 'required', new_device_notice: true });
      try {
        assert.equal((await server.request('GET', '/v1/me/mfa', { token: person.token })).body.required, true);
        const grant = await passwordGrant(server, person.username, person.password);
        assert.equal(grant.body.error, 'mfa_required');
        assert.equal((await server.request('GET', '/v1/me/profile', { token: person.token })).status, 200, 'sessions already open stay open');
      } finally {
        await server.request('PUT', '/v1/admin/security-policy', { token: adminToken, body: { mfa: 'optional' } });
      }
    });
  });
}
