import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createAdmin } from './aisquare/support/aisquare.ts';
import { backends } from './support/backends.ts';
import { startServer, type TestServer, type TestUser } from './support/server.ts';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

for (const backend of backends) {
  describe(`vocabularies: managed by administrators, through /v1/admin and the CLI (${backend.name})`, () => {
    let server: TestServer;
    let admin: TestUser;
    let person: TestUser;
    /** `profiled …` against this test's database; resolves to {code, stdout, stderr}. */
    const cli = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, ['packages/server/bin/profiled.js', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent' } });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    before(async () => {
      server = await startServer(backend);
      admin = await createAdmin(server);
      person = await server.createUser();
    });
    after(() => server.close());

    it('an admin adds entries (POST /v1/admin/vocabularies/{kind}) and lists them by name', async () => {
      const added = await server.request('POST', '/v1/admin/vocabularies/skill', { token: admin.token, body: { name: 'TypeScript', description: 'Typed JavaScript' } });
      assert.equal(added.status, 201);
      assert.deepEqual(Object.keys(added.body), ['id', 'name', 'description']);
      assert.deepEqual([added.body.name, added.body.description], ['TypeScript', 'Typed JavaScript']);
      await server.request('POST', '/v1/admin/vocabularies/skill', { token: admin.token, body: { name: 'Go' } });
      const list = await server.request('GET', '/v1/admin/vocabularies/skill', { token: admin.token });
      assert.deepEqual(list.body.entries.map((e: { name: string }) => e.name), ['Go', 'TypeScript']);
      assert.deepEqual((await server.request('GET', '/v1/admin/vocabularies/investment_interest', { token: admin.token })).body.entries, []);
    });

    it('a name the kind has already, in any case, is refused; the same name in another kind is fine', async () => {
      const dup = await server.request('POST', '/v1/admin/vocabularies/skill', { token: admin.token, body: { name: 'typescript' } });
      assert.equal(dup.status, 400);
      assert.equal(dup.body.code, 'vocabulary.name_taken');
      assert.equal((await server.request('POST', '/v1/admin/vocabularies/tag', { token: admin.token, body: { name: 'TypeScript' } })).status, 201);
    });

    it('names are 1-100 characters; the kind is one of three', async () => {
      assert.equal((await server.request('POST', '/v1/admin/vocabularies/skill', { token: admin.token, body: { name: '   ' } })).body.code, 'vocabulary.invalid_entry');
      assert.equal((await server.request('POST', '/v1/admin/vocabularies/skill', { token: admin.token, body: { name: 'x'.repeat(101) } })).status, 400);
      assert.equal((await server.request('POST', '/v1/admin/vocabularies/colour', { token: admin.token, body: { name: 'Blue' } })).status, 400);
    });

    it('people who are not admins → 403, and nothing is added', async () => {
      const res = await server.request('POST', '/v1/admin/vocabularies/skill', { token: person.token, body: { name: 'Sneaky' } });
      assert.equal(res.status, 403);
      assert.equal((await server.request('GET', '/v1/admin/vocabularies/skill', { token: person.token })).status, 403);
      assert.ok(!(await server.app.services.vocabularies.list({ slug: 'default' }, 'skill')).some((e) => e.name === 'Sneaky'));
    });

    it('free entry is an org setting an admin turns on and off (PUT /v1/admin/vocabulary-settings)', async () => {
      const on = await server.request('PUT', '/v1/admin/vocabulary-settings', { token: admin.token, body: { free_entry: true } });
      assert.deepEqual([on.status, on.body], [200, { free_entry: true }]);
      const org = await server.app.storage.repos.findOrg({ slug: 'default' });
      assert.equal(org!.settings.vocabulary_free_entry, true);
      await server.request('PUT', '/v1/admin/vocabulary-settings', { token: admin.token, body: { free_entry: false } });
      assert.equal((await server.app.storage.repos.findOrg({ slug: 'default' }))!.settings.vocabulary_free_entry, false);
      assert.equal((await server.request('PUT', '/v1/admin/vocabulary-settings', { token: person.token, body: { free_entry: true } })).status, 403);
    });

    it('the CLI: profiled vocab add / list / free-entry print JSON; a refused add exits 1, bad arguments 2', async () => {
      const added = await cli('vocab', 'add', '--kind', 'investment_interest', '--name', 'Climate', '--description', 'Climate tech');
      assert.equal(added.code, 0, added.stderr);
      assert.deepEqual(Object.keys(JSON.parse(added.stdout)), ['id', 'name', 'description']);
      const list = await cli('vocab', 'list', '--kind', 'investment_interest', '--org', 'default');
      assert.deepEqual(JSON.parse(list.stdout).map((e: { name: string }) => e.name), ['Climate']);
      const all = JSON.parse((await cli('vocab', 'list')).stdout);
      assert.deepEqual(Object.keys(all), ['skill', 'investment_interest', 'tag']);
      assert.ok(all.skill.some((e: { name: string }) => e.name === 'TypeScript'));
      const dup = await cli('vocab', 'add', '--kind', 'investment_interest', '--name', 'CLIMATE');
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /vocabulary\.name_taken/);
      assert.equal((await cli('vocab', 'add', '--name', 'No kind')).code, 2);
      const free = await cli('vocab', 'free-entry', '--enabled', 'true');
      assert.equal(free.code, 0, free.stderr);
      assert.equal(JSON.parse(free.stdout).settings.vocabulary_free_entry, true);
      assert.equal((await cli('vocab', 'free-entry', '--enabled', 'maybe')).code, 2);
      await cli('vocab', 'free-entry', '--enabled', 'false');
    });
  });
}
