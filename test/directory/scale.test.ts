import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, sqlite } from '../support/backends.ts';
import { insertMembers, memberDefaults } from '../support/members.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

type Page = { profiles: { id: string; display_name: string; position: string | null }[]; next?: string };
const ORGS = 50;
const PER_ORG = 6;

for (const backend of backends) {
  describe(`member directory, org by org (${backend.name})`, () => {
    let server: TestServer;
    const orgs: { slug: string; viewer: TestUser; names: Set<string> }[] = [];
    const search = async (u: TestUser, query: string) => (await server.request('GET', `/v1/directory?${query}`, { token: u.token })).body as Page;

    before(async () => {
      server = await startServer(backend);
      for (let i = 0; i < ORGS; i++) {
        const slug = `guild-${i}`;
        const org = await server.app.services.accounts.createOrg({ slug, name: `Guild ${i}` });
        // Every org's members share every word; only the numbers in their names tell them apart.
        const people = Array.from({ length: PER_ORG + 2 }, (_, k) => ({ display_name: `Quasar Member ${i}-${k}`, position: 'Quasar engineer', company_name: 'Nebula Works', summary: 'Based in Lisbon.', tags: ['quasar'], is_public: k < PER_ORG }));
        await insertMembers(server.app.storage, org.id, people);
        orgs.push({ slug, viewer: await server.createUser({ org: slug, displayName: `Viewer ${i}` }), names: new Set(people.filter((p) => p.is_public).map((p) => p.display_name)) });
      }
    });
    after(() => server.close());

    it('with 50 orgs sharing the same words, no page, count or total holds another org\'s profile', async () => {
      for (const { viewer, names } of orgs) {
        for (const query of ['q=quasar', 'q=quasar%20engineer%20lisbon', 'q=nebula&tag=Quasar', 'tag=quasar', '']) {
          const seen: string[] = [];
          let path: string | undefined = `${query}&limit=4`;
          while (path) {
            const page = await search(viewer, path);
            seen.push(...page.profiles.map((p) => p.display_name));
            path = page.next ? `${query}&limit=4&cursor=${page.next}` : undefined;
          }
          // The viewer's own profile is private by default: only the org's public members.
          assert.deepEqual(seen.sort(), [...names].sort(), `${viewer.username}: ${query}`);
        }
        const nexudus = await server.request('GET', '/api/public/coworkers/published?query=quasar&size=4', { token: viewer.token });
        assert.equal(nexudus.status, 200);
        assert.equal(nexudus.body.TotalItems, PER_ORG);
        assert.ok(nexudus.body.Records.every((r: { FullName: string }) => names.has(r.FullName)));
        const beyond = await server.request('GET', '/api/public/coworkers/published?query=quasar&page=9', { token: viewer.token });
        assert.deepEqual([beyond.body.Records.length, beyond.body.TotalItems], [0, PER_ORG], 'past the last page: no records, the same total');
      }
    });

    it('a profile made public, edited, made private, disabled or erased is found or gone in the very next search', async () => {
      const { viewer } = orgs[0]!;
      const m = await server.createUser({ org: orgs[0]!.slug, displayName: 'Pulsar Person' });
      const ids = async (q: string) => (await search(viewer, `q=${q}`)).profiles.map((p) => p.id);
      const patch = async (body: unknown) => assert.equal((await server.request('PATCH', '/v1/me/profile', { token: m.token, body })).status, 200);
      assert.deepEqual(await ids('pulsar'), [], 'private by default');
      await patch({ is_public: true });
      assert.deepEqual(await ids('pulsar'), [m.profileId], 'made public');
      await patch({ display_name: 'Magnetar Person' });
      assert.deepEqual(await ids('pulsar'), [], 'the old name is gone');
      assert.deepEqual(await ids('magnetar'), [m.profileId], 'the new name is found');
      await patch({ is_public: false });
      assert.deepEqual(await ids('magnetar'), [], 'made private');
      await patch({ is_public: true });
      const at = new Date().toISOString();
      await server.app.storage.repos.setAccountStatus(m.id, 'disabled', null, at);
      assert.deepEqual(await ids('magnetar'), [], 'its account disabled');
      await server.app.storage.repos.setAccountStatus(m.id, 'active', null, at);
      assert.deepEqual(await ids('magnetar'), [m.profileId], 'its account active again');
      await server.app.storage.transaction((tx) => tx.eraseAccount(m.id, { username: `erased-${m.id}`, at }, memberDefaults()));
      assert.deepEqual(await ids('magnetar'), [], 'its account erased');
      assert.equal((await server.request('GET', '/api/public/coworkers/published?query=magnetar', { token: viewer.token })).body.TotalItems, 0);
    });

    it('searches while the index is being written see every write whole or not at all', async () => {
      const { viewer, slug } = orgs[1]!;
      const writer = await server.createUser({ org: slug, displayName: 'Writer Person' });
      assert.equal((await server.request('PATCH', '/v1/me/profile', { token: writer.token, body: { is_public: true, position: 'Alpha keeper' } })).status, 200);
      const org = (await server.app.storage.repos.findOrg({ slug }))!;
      // A long transaction of 300 new members sharing a word, while edits and searches run.
      const bulk = insertMembers(server.app.storage, org.id, Array.from({ length: 300 }, (_, k) => ({ display_name: `Zebra ${k}`, is_public: true })));
      const edits = (async () => {
        for (let n = 0; n < 30; n++) {
          const res = await server.request('PATCH', '/v1/me/profile', { token: writer.token, body: { position: n % 2 === 0 ? `Omega keeper ${n}` : `Alpha keeper ${n}` } });
          assert.equal(res.status, 200);
        }
      })();
      const searches = (async () => {
        for (let n = 0; n < 40; n++) {
          const [alpha, zebras] = await Promise.all([
            server.request('GET', '/v1/directory?q=alpha%20keeper', { token: viewer.token }),
            server.request('GET', '/api/public/coworkers/published?query=zebra', { token: viewer.token }),
          ]);
          assert.equal(alpha.status, 200);
          // A profile found for "alpha" is read in the same snapshot: its position says Alpha.
          for (const p of (alpha.body as Page).profiles) assert.match(p.position ?? '', /^Alpha keeper/);
          assert.ok([0, 300].includes(zebras.body.TotalItems), `the bulk insert is seen whole or not at all (${zebras.body.TotalItems})`);
        }
      })();
      await Promise.all([bulk, edits, searches]);
      assert.equal((await server.request('GET', '/api/public/coworkers/published?query=zebra', { token: viewer.token })).body.TotalItems, 300);
      const last = await search(viewer, 'q=keeper');
      assert.deepEqual(last.profiles.map((p) => [p.id, p.position]), [[writer.profileId, 'Alpha keeper 29']]);
    });
  });
}

describe('directory reader threads (sqlite)', () => {
  let server: TestServer;
  let viewer: TestUser;
  before(async () => {
    // One thread and no queue: a search that finds the thread busy is refused at once.
    server = await startServer(sqlite, { config: { searchThreads: 1, searchQueue: 0 } });
    viewer = await server.createUser({ displayName: 'Viewer' });
    const org = (await server.app.storage.repos.findOrg({ slug: 'default' }))!;
    const positions = ['Manager', 'Maker', 'Mentor', 'Mechanic', 'Musician'];
    await insertMembers(server.app.storage, org.id, Array.from({ length: 3000 }, (_, k) => ({ display_name: `Member ${k}`, position: `${positions[k % 5]} of ${k % 97} things`, summary: 'Many more words make the match more work.', is_public: true })));
  });
  after(() => server.close());

  it('a full queue answers 503 with Retry-After in the dialect\'s envelope, and the others are served', async () => {
    const statuses = new Map<number, number>();
    let refused: Awaited<ReturnType<TestServer['request']>> | undefined;
    let refusedNexudus: Awaited<ReturnType<TestServer['request']>> | undefined;
    for (let burst = 0; burst < 10 && (!refused || !refusedNexudus); burst++) {
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, n) => server.request('GET', n % 2 === 0 ? '/v1/directory?q=m' : '/api/public/coworkers/published?query=m', { token: viewer.token })),
      );
      answers.forEach((res, n) => {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 503 && n % 2 === 0) refused ??= res;
        if (res.status === 503 && n % 2 === 1) refusedNexudus ??= res;
      });
    }
    assert.deepEqual([...statuses.keys()].sort(), [200, 503], `statuses seen: ${JSON.stringify([...statuses])}`);
    assert.ok(refused && refusedNexudus, 'both dialects refused a search');
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal((refused.body as { code: string }).code, 'directory.busy');
    assert.equal(refusedNexudus.headers.get('retry-after'), '1');
    assert.equal((refusedNexudus.body as { WasSuccessful: boolean }).WasSuccessful, false);
    // Nothing is wrong once the burst is over.
    assert.equal((await server.request('GET', '/v1/directory?q=m', { token: viewer.token })).status, 200);
  });
});
