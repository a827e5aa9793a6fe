import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FieldValue } from '@profiled/core';
import { SEARCH_COLUMNS } from '../../packages/server/src/storage/sql/migrations.ts';
import { registry } from '@profiled/core';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

const WORDS = ['Analyst', 'Engineer', 'Designer', 'Founder', 'Writer', 'Researcher', 'Teacher', 'Architect', 'Baker', 'Pilot'];

/** Inserts public (and some private) profiles straight through the storage port: hundreds in a second. */
async function populate(server: TestServer, orgId: string, count: number) {
  const storage = server.app.storage;
  const defaults: Record<string, FieldValue> = {};
  for (const [name, value] of registryDefaults()) defaults[name] = value;
  await storage.transaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      const at = new Date().toISOString();
      const id = randomUUID();
      await tx.insertAccount({ id, username: `m${i}-${id.slice(0, 6)}`, email: null, kind: 'human', password_hash: null, status: 'active', default_org_id: orgId, created_at: at, updated_at: at });
      await tx.insertProfile({
        id: randomUUID(),
        account_id: id,
        org_id: orgId,
        version: 1,
        created_at: at,
        updated_at: at,
        values: { ...defaults, display_name: `Member ${String(i).padStart(3, '0')}`, position: `${WORDS[i % WORDS.length]} common`, company_name: `Company ${i % 7}`, tags: i % 3 === 0 ? ['Go', 'cloud'] : ['design'], is_public: i % 10 !== 9, summary: `Works on **things** number ${i}.` },
      });
    }
  });
}

function registryDefaults(): [string, FieldValue][] {
  return registry.filter((f) => f.writer !== 'computed' && !f.system && f.owner === 'profile').map((f) => [f.name, f.default]);
}

for (const backend of backends) {
  describe(`member directory search (${backend.name})`, () => {
    let server: TestServer;
    let viewer: TestUser;
    let rustacean: TestUser;
    let summaryOnly: TestUser;
    let hidden: TestUser;
    let outsider: TestUser;
    const get = (path: string, token = viewer.token) => server.request('GET', path, { token });
    const patch = (u: TestUser, body: unknown) => server.request('PATCH', '/v1/me/profile', { token: u.token, body });

    before(async () => {
      server = await startServer(backend);
      viewer = await server.createUser({ displayName: 'Viewer' });
      const org = (await server.app.storage.repos.findOrg({ slug: 'default' }))!;
      await populate(server, org.id, 300);
      rustacean = await server.createUser({ displayName: 'Rustacean Rita' });
      await patch(rustacean, { is_public: true, position: 'Systems engineer', company_name: 'Ferris GmbH', city: 'Berlin', tags: ['Rust', 'wasm'] });
      summaryOnly = await server.createUser({ displayName: 'Quiet Quentin' });
      await patch(summaryOnly, { is_public: true, position: 'Gardener', summary: 'I sometimes write a little rust for fun.' });
      hidden = await server.createUser({ displayName: 'Hidden Rust Hacker' });
      await patch(hidden, { is_public: false, position: 'Rust engineer' });
      await server.app.services.accounts.createOrg({ slug: 'elsewhere', name: 'Elsewhere' });
      outsider = await server.createUser({ displayName: 'Rusty Outsider', org: 'elsewhere' });
      await patch(outsider, { is_public: true, position: 'Rust engineer' });
    });
    after(() => server.close());

    it('the index covers exactly the registry\'s searchable fields', () => {
      assert.deepEqual(registry.filter((f) => f.searchable).map((f) => f.name).sort(), [...SEARCH_COLUMNS].sort());
      assert.ok(registry.filter((f) => f.searchable).every((f) => f.public), 'only public fields may be searchable');
    });

    it('ranks a match in the name above a match in the summary; private and other-org profiles never appear', async () => {
      const res = await get('/v1/directory?q=rust');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.profiles.map((p: { display_name: string }) => p.display_name), ['Rustacean Rita', 'Quiet Quentin']);
    });

    it('matches every word as a prefix, across fields', async () => {
      const res = await get('/v1/directory?q=syst%20ferr');
      assert.deepEqual(res.body.profiles.map((p: { id: string }) => p.id), [rustacean.profileId]);
      const none = await get('/v1/directory?q=rust%20gardener%20zeppelin');
      assert.deepEqual(none.body.profiles, []);
    });

    it('finds the parts of hyphenated numbers, dotted names and addresses, the same on both databases', async () => {
      const u = await server.createUser({ displayName: 'Route-66 Diner 12-7-8cmzdj' });
      assert.equal((await patch(u, { is_public: true, position: 'Co-owner, v2.5', company_name: 'diner.example.com', summary: 'Write to eat@diner.example.com; 3e5ab is our table.' })).status, 200);
      for (const q of ['66', 'route 66', '8cmzdj', '12 7', 'example', 'diner com', 'owner', 'v2 5', 'eat', '3e5ab']) {
        const res = await get(`/v1/directory?q=${encodeURIComponent(q)}`);
        assert.ok(res.body.profiles.some((p: { id: string }) => p.id === u.profileId), `"${q}" finds it`);
      }
      assert.equal((await patch(u, { is_public: false })).status, 200, 'out of the listing again, for the tests that count it');
    });

    it('letters with diacritics match with or without them, in either case, the same on both databases', async () => {
      const u = await server.createUser({ displayName: 'Zoë Müller-Ångström' });
      assert.equal((await patch(u, { is_public: true, position: 'Jefa de diseño', company_name: 'ŁÓDŹ Ćwiczenia', business_area: 'ΣΟΦΊΑ Москва' })).status, 200);
      for (const q of ['zoe', 'zoë', 'muller', 'MÜLLER', 'angstrom', 'ÅNGSTRÖM', 'diseno', 'diseño', 'łódź', 'ŁODZ', 'ćwicz', 'CWICZENIA', 'москва', 'МОСКВА']) {
        const res = await get(`/v1/directory?q=${encodeURIComponent(q)}`);
        assert.ok(res.body.profiles.some((p: { id: string }) => p.id === u.profileId), `"${q}" finds it`);
      }
      assert.equal((await patch(u, { is_public: false })).status, 200, 'out of the listing again, for the tests that count it');
    });

    it('filters by tag, ignoring case, alone or with words', async () => {
      const go = await get('/v1/directory?tag=GO&limit=100');
      assert.equal(go.status, 200);
      assert.ok(go.body.profiles.length > 50);
      assert.ok(go.body.profiles.every((p: { tags: string[] }) => p.tags.some((t) => t.toLowerCase() === 'go')));
      const both = await get('/v1/directory?q=rust&tag=wasm');
      assert.deepEqual(both.body.profiles.map((p: { id: string }) => p.id), [rustacean.profileId]);
    });

    it('pages through a search with its cursor: every match once, in a stable order', async () => {
      const seen: string[] = [];
      let path: string | null = '/v1/directory?q=common&limit=40';
      while (path) {
        const res = await get(path);
        assert.equal(res.status, 200);
        seen.push(...res.body.profiles.map((p: { id: string }) => p.id));
        path = res.body.next ? `/v1/directory?q=common&limit=40&cursor=${res.body.next}` : null;
      }
      assert.equal(seen.length, 270, '300 generated, one in ten private');
      assert.equal(new Set(seen).size, 270);
    });

    it('lists everyone public by name without a query, paged by keyset', async () => {
      const names: string[] = [];
      let path: string | null = '/v1/directory?limit=100';
      while (path) {
        const res = await get(path);
        names.push(...res.body.profiles.map((p: { display_name: string }) => p.display_name));
        path = res.body.next ? `/v1/directory?limit=100&cursor=${res.body.next}` : null;
      }
      assert.equal(names.length, 272);
      assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      assert.ok(!names.includes('Hidden Rust Hacker') && !names.includes('Rusty Outsider') && !names.includes('Viewer'));
    });

    it('returns public registry fields only, plus the sanitized summary', async () => {
      const res = await get(`/v1/directory/${rustacean.profileId}`);
      assert.equal(res.status, 200);
      const allowed = new Set([...registry.filter((f) => f.public && !f.secret).map((f) => f.name), 'summary_html']);
      for (const key of Object.keys(res.body)) assert.ok(allowed.has(key), `${key} must not be in the directory`);
      for (const key of ['email', 'username', 'city', 'mobile_phone', 'date_of_birth', 'billing_email', 'tax_id', 'street']) assert.ok(!(key in res.body));
      assert.equal(res.body.display_name, 'Rustacean Rita');
    });

    it('a private profile, another organization\'s profile and an unknown id all answer 404', async () => {
      for (const id of [hidden.profileId, outsider.profileId, 'nope']) {
        const res = await get(`/v1/directory/${id}`);
        assert.equal(res.status, 404);
        assert.equal(res.body.code, 'profile.not_found');
      }
    });

    it('stays in step with every change: new words are found, old ones and unpublished profiles are not', async () => {
      await patch(rustacean, { position: 'Zookeeper' });
      assert.deepEqual((await get('/v1/directory?q=zookeep')).body.profiles.map((p: { id: string }) => p.id), [rustacean.profileId]);
      assert.deepEqual((await get('/v1/directory?q=systems')).body.profiles, []);
      await patch(rustacean, { is_public: false });
      assert.deepEqual((await get('/v1/directory?q=zookeeper')).body.profiles, []);
    });

    it('search syntax in a query is just text: no error, no injection', async () => {
      for (const q of ['"unterminated', 'rust OR *', 'NEAR(a b)', "'; drop table profiles; --", 'a:* & !b', '***', '\u0000']) {
        const res = await get(`/v1/directory?q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200, `${q} → ${res.status} ${res.text}`);
      }
      const bad = await get('/v1/directory?cursor=not-a-cursor');
      assert.equal(bad.status, 400);
    });
  });
}
