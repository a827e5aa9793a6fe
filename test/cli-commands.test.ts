import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { backends } from './support/backends.ts';
import { runCli } from './support/process.ts';
import { PASSWORD, startServer, type TestServer } from './support/server.ts';

const oneLine = (text: string) => {
  assert.equal(text.trim().split('\n').length, 1, `expected one line, got: ${text}`);
};

describe('profiled --help through npx (works straight after npm install)', () => {
  it('npx profiled --help prints the usage and exits 0', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'profiled', '--help'], { cwd: new URL('..', import.meta.url).pathname });
    assert.match(stdout, /usage: profiled <command>/);
    assert.match(stdout, /user create --email E --password P/);
  });
});

for (const backend of backends) {
  describe(`the profiled command (${backend.name})`, () => {
    let env: Record<string, string>;
    before(async () => {
      env = { DATABASE_URL: await backend.freshDatabase() };
    });

    it('migrate prints what it applied as JSON, and nothing the second time', async () => {
      const first = await runCli(['migrate'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(JSON.parse(first.stdout).applied.slice(0, 1), ['0001_initial']);
      const second = await runCli(['migrate'], env);
      assert.deepEqual(JSON.parse(second.stdout).applied, []);
    });

    it('org create prints the org; a taken slug is refused with one line and exit 1', async () => {
      const res = await runCli(['org', 'create', '--slug', 'acme', '--name', 'Acme Inc'], env);
      assert.equal(res.code, 0, res.stderr);
      const org = JSON.parse(res.stdout);
      assert.equal(org.slug, 'acme');
      assert.equal(org.name, 'Acme Inc');
      assert.ok(org.id);
      const again = await runCli(['org', 'create', '--slug', 'acme', '--name', 'Again'], env);
      assert.equal(again.code, 1);
      oneLine(again.stderr);
      assert.match(again.stderr, /org\.slug_taken/);
    });

    it('user create prints the account with its id and never its password hash', async () => {
      const res = await runCli(['user', 'create', '--email', 'grace@example.com', '--password', PASSWORD, '--username', 'grace', '--org', 'acme', '--display-name', 'Grace Hopper'], env);
      assert.equal(res.code, 0, res.stderr);
      const account = JSON.parse(res.stdout);
      assert.deepEqual([account.username, account.email, account.kind, account.org], ['grace', 'grace@example.com', 'human', 'acme']);
      assert.ok(account.id && account.profile_id);
      assert.doesNotMatch(res.stdout, /argon2|password/i);
    });

    it('a weak password is refused with the rule that failed, one line, exit 1', async () => {
      const res = await runCli(['user', 'create', '--email', 'weak@example.com', '--password', 'password1'], env);
      assert.equal(res.code, 1);
      oneLine(res.stderr);
      assert.match(res.stderr, /password\.common/);
      assert.equal(res.stdout, '');
    });

    it('service accounts get API keys: shown once, listed without secrets, revocable', async () => {
      const svc = await runCli(['user', 'create', '--kind', 'service', '--username', 'svc1'], env);
      assert.equal(svc.code, 0, svc.stderr);
      const created = await runCli(['apikey', 'create', '--user', 'svc1', '--name', 'ci'], env);
      assert.equal(created.code, 0, created.stderr);
      const { key, id } = JSON.parse(created.stdout);
      assert.match(key, /^pfd_[A-Za-z0-9_-]{43}$/);
      const listed = await runCli(['apikey', 'list', '--user', 'svc1'], env);
      assert.equal(JSON.parse(listed.stdout).length, 1);
      assert.ok(!listed.stdout.includes(key.slice(4)), 'the key is shown once only');
      assert.doesNotMatch(listed.stdout, /key_hash/);
      const revoked = await runCli(['apikey', 'revoke', '--id', id], env);
      assert.deepEqual(JSON.parse(revoked.stdout), { id, revoked: true });
      const human = await runCli(['apikey', 'create', '--user', 'grace'], env);
      assert.equal(human.code, 1, 'a person gets no API key');
    });

    it('client create without --name names the client after its first redirect URI\'s host', async () => {
      const res = await runCli(['client', 'create', '--redirect-uri', 'https://app.example.com/callback', '--redirect-uri', 'https://other.example.org/cb', '--public'], env);
      assert.equal(res.code, 0, res.stderr);
      const client = JSON.parse(res.stdout);
      assert.deepEqual([client.name, client.type, client.redirect_uris], ['app.example.com', 'public', ['https://app.example.com/callback', 'https://other.example.org/cb']]);
      assert.equal(client.client_secret, undefined, 'a public client has no secret');
      const loopback = JSON.parse((await runCli(['client', 'create', '--redirect-uri', 'http://127.0.0.1:5173/cb', '--public'], env)).stdout);
      assert.equal(loopback.name, '127.0.0.1:5173', 'the host keeps its port');
      const named = JSON.parse((await runCli(['client', 'create', '--name', 'My app', '--redirect-uri', 'https://app.example.com/callback'], env)).stdout);
      assert.equal(named.name, 'My app');
      assert.ok(named.client_secret, 'a confidential client gets its secret once');
      const listed = JSON.parse((await runCli(['client', 'list'], env)).stdout) as { id: string; name: string }[];
      assert.equal(listed.find((c) => c.id === client.client_id)?.name, 'app.example.com', 'the default name is stored');
      const none = await runCli(['client', 'create', '--public'], env);
      assert.equal(none.code, 2, 'a redirect URI is still required');
      oneLine(none.stderr);
    });

    for (const args of [['bogus'], ['org', 'create', '--name', 'No slug'], ['org', 'create', '--slug', 'x', '--name', 'y', '--bogus'], ['user', 'create', '--email', 'a@b.c'], ['user', 'create', '--email', 'a@b.c', '--password', PASSWORD, '--kind', 'robot'], []]) {
      it(`bad arguments (${args.join(' ') || 'none'}) → exit 2, one line on stderr, nothing on stdout`, async () => {
        const res = await runCli(args, env);
        assert.equal(res.code, 2);
        oneLine(res.stderr);
        if (args.length > 0) assert.equal(res.stdout, '');
      });
    }
  });
}

describe('an API key made by the CLI authenticates its service account', () => {
  let server: TestServer;
  after(() => server?.close());
  it('→ 403 on self-service endpoints (a person\'s page), 401 for a bogus key', async () => {
    const databaseUrl = await backends[0]!.freshDatabase();
    await runCli(['user', 'create', '--kind', 'service', '--username', 'robot'], { DATABASE_URL: databaseUrl });
    const { key } = JSON.parse((await runCli(['apikey', 'create', '--user', 'robot'], { DATABASE_URL: databaseUrl })).stdout);
    server = await startServer(backends[0]!, { databaseUrl });
    const res = await server.request('GET', '/v1/me/profile', { token: key });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'auth.service_account_forbidden');
    const bogus = await server.request('GET', '/v1/me/profile', { token: `pfd_${'x'.repeat(43)}` });
    assert.equal(bogus.status, 401);
    const [listed] = await server.app.services.accounts.listApiKeys('robot');
    assert.ok(listed?.last_used_at, 'the key records its last use');
  });
});
