import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileRegistry, registry } from '@profiled/core';
import { openStorage } from '../../packages/server/src/storage/index.ts';
import { backends, postgres } from '../support/backends.ts';
import { insertMembers } from '../support/members.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

type Entry = { id: string; display_name: string; position: string | null; followers_count: number; is_following: boolean; is_followed_back: boolean; is_current_user: boolean };
type Page = { profiles: Entry[] };

/** The kept-page counters of /metrics. */
async function pageCounts(server: TestServer): Promise<{ hit: number; miss: number; bytes: number; entries: number }> {
  const text = (await server.request('GET', '/metrics')).text;
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  return {
    hit: value(/^profiled_directory_page_requests_total\{result="hit"\} (\d+)/m),
    miss: value(/^profiled_directory_page_requests_total\{result="miss"\} (\d+)/m),
    bytes: value(/^profiled_directory_page_cache_bytes (\d+)/m),
    entries: value(/^profiled_directory_page_cache_entries (\d+)/m),
  };
}

for (const backend of backends) {
  describe(`kept directory pages (${backend.name})`, () => {
    let server: TestServer;
    let stranger: TestUser;
    let fan: TestUser;
    let star: TestUser;
    const search = async (u: TestUser, query = 'q=chaser') => {
      const res = await server.request('GET', `/v1/directory?${query}`, { token: u.token });
      assert.equal(res.status, 200, res.text);
      return { page: res.body as Page, text: res.text };
    };
    const entryOf = (page: Page, id: string) => page.profiles.find((p) => p.id === id);

    before(async () => {
      server = await startServer(backend);
      stranger = await server.createUser({ displayName: 'Stranger' });
      fan = await server.createUser({ displayName: 'Fan' });
      star = await server.createUser({ displayName: 'Comet Star' });
      assert.equal((await server.request('PATCH', '/v1/me/profile', { token: star.token, body: { is_public: true, position: 'Comet chaser' } })).status, 200);
      // Public, so it can be followed back; no word of it is searched.
      assert.equal((await server.request('PATCH', '/v1/me/profile', { token: fan.token, body: { is_public: true } })).status, 200);
      const org = (await server.app.storage.repos.findOrg({ slug: 'default' }))!;
      await insertMembers(server.app.storage, org.id, Array.from({ length: 40 }, (_, k) => ({ display_name: `Comet Member ${k}`, position: 'Comet watcher', is_public: true })));
    });
    after(() => server.close());

    it('a repeated search is served from the kept page, byte for byte', async () => {
      const first = await search(stranger, 'q=watcher&limit=7');
      const before = await pageCounts(server);
      const again = await search(stranger, 'q=watcher&limit=7');
      const counts = await pageCounts(server);
      assert.equal(again.text, first.text);
      assert.equal(counts.hit, before.hit + 1, 'the second search was a hit');
      assert.equal(counts.miss, before.miss);
      assert.ok(counts.bytes > 0 && counts.entries > 0);
      const nexudus = async () => (await server.request('GET', '/api/public/coworkers/published?query=watcher&size=5', { token: stranger.token })).text;
      const n1 = await nexudus();
      const hits = (await pageCounts(server)).hit;
      assert.equal(await nexudus(), n1);
      assert.equal((await pageCounts(server)).hit, hits + 1, 'Nexudus published keeps its pages too');
    });

    it('each viewer still sees their own relations: is_following, is_followed_back, is_current_user', async () => {
      await search(stranger);
      assert.equal((await server.request('POST', `/v1/profiles/${star.profileId}/follow`, { token: fan.token })).status < 300, true);
      // The follow changed the star's followers_count: nobody gets the page kept before it.
      const seenByStranger = entryOf((await search(stranger)).page, star.profileId)!;
      assert.deepEqual([seenByStranger.followers_count, seenByStranger.is_following], [1, false]);
      const seenByFan = entryOf((await search(fan)).page, star.profileId)!;
      assert.deepEqual([seenByFan.followers_count, seenByFan.is_following, seenByFan.is_current_user], [1, true, false]);
      // The star follows the fan back, and sees itself on the page.
      assert.equal((await server.request('POST', `/v1/profiles/${fan.profileId}/follow`, { token: star.token })).status < 300, true);
      const seenByStar = entryOf((await search(star)).page, star.profileId)!;
      assert.deepEqual([seenByStar.is_current_user, seenByStar.is_following], [true, false]);
      assert.equal(entryOf((await search(fan)).page, star.profileId)!.is_followed_back, true);
      // The stranger asks again (a hit by now) and still sees a stranger's page.
      await search(stranger);
      const again = entryOf((await search(stranger)).page, star.profileId)!;
      assert.deepEqual([again.is_following, again.is_followed_back, again.is_current_user], [false, false, false]);
      // A page kept for a stranger is never the fan's, nor the star's own.
      const fanAgain = entryOf((await search(fan)).page, star.profileId)!;
      assert.deepEqual([fanAgain.is_following, fanAgain.is_followed_back], [true, true]);
      assert.equal(entryOf((await search(star)).page, star.profileId)!.is_current_user, true);
      assert.equal((await server.request('DELETE', `/v1/profiles/${star.profileId}/follow`, { token: fan.token })).status < 300, true);
      assert.equal(entryOf((await search(stranger)).page, star.profileId)!.followers_count, 0, 'the unfollow is seen in the next search');
    });

    it('a write by another process, on its own connection, is seen in the next search', async () => {
      await search(stranger, 'q=chaser');
      await search(stranger, 'q=chaser');
      const other = await openStorage({ url: server.databaseUrl, registry: compileRegistry(registry), sqliteSynchronous: 'NORMAL', searchThreads: 0, now: () => new Date().toISOString() });
      try {
        await other.transaction(async (tx) => {
          const p = (await tx.findProfile(star.profileId, { lock: true }))!;
          await tx.updateProfile(star.profileId, { position: 'Comet catcher' }, p.version + 1, new Date().toISOString());
        });
      } finally {
        await other.close();
      }
      assert.deepEqual((await search(stranger, 'q=chaser')).page.profiles, [], 'the old word is gone');
      assert.equal(entryOf((await search(stranger, 'q=catcher')).page, star.profileId)?.position, 'Comet catcher');
    });

    it('a private profile\'s edit keeps the org\'s pages; a public one\'s does not', async () => {
      await search(stranger, 'q=member&limit=3');
      const kept = await pageCounts(server);
      assert.equal((await server.request('PATCH', '/v1/me/profile', { token: stranger.token, body: { position: 'Private thing' } })).status, 200);
      await search(stranger, 'q=member&limit=3');
      assert.equal((await pageCounts(server)).hit, kept.hit + 1, 'the stranger is private: nothing the directory shows changed');
      assert.equal((await server.request('PATCH', '/v1/me/profile', { token: star.token, body: { summary: 'New words.' } })).status, 200);
      await search(stranger, 'q=member&limit=3');
      assert.equal((await pageCounts(server)).miss, kept.miss + 1, 'a listed profile changed: rendered again');
    });
  });
}

describe('kept directory pages, two instances on one PostgreSQL', () => {
  it('a write served by one instance is seen in the next search on the other, which had the page kept', async () => {
    const a = await startServer(postgres);
    const b = await startServer(postgres, { databaseUrl: a.databaseUrl });
    try {
      const viewer = await a.createUser({ displayName: 'Viewer' });
      const member = await a.createUser({ displayName: 'Nova Member' });
      assert.equal((await a.request('PATCH', '/v1/me/profile', { token: member.token, body: { is_public: true, position: 'Nova keeper' } })).status, 200);
      const positionOnA = async () => {
        const res = await a.request('GET', '/v1/directory?q=nova', { token: viewer.token });
        assert.equal(res.status, 200);
        return (res.body as Page).profiles.map((p) => p.position);
      };
      assert.deepEqual(await positionOnA(), ['Nova keeper']);
      assert.deepEqual(await positionOnA(), ['Nova keeper']);
      assert.equal((await pageCounts(a)).hit, 1, 'the second search on A was a kept page');
      // The same member, signed in on B, edits there.
      const onB = await b.login(member.username);
      assert.equal((await b.request('PATCH', '/v1/me/profile', { token: onB.access_token, body: { position: 'Nova finder' } })).status, 200);
      assert.deepEqual(await positionOnA(), ['Nova finder']);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('kept directory pages: limits and switching off', () => {
  it('holds no more than DIRECTORY_CACHE_MB when ten times more pages are asked for than fit', async () => {
    const server = await startServer(backends[0]!, { config: { directoryCacheMb: 1 } });
    try {
      const viewer = await server.createUser({ displayName: 'Viewer' });
      const org = (await server.app.storage.repos.findOrg({ slug: 'default' }))!;
      // Each page of 100 is some 80 kB: a megabyte holds a dozen of the 120 asked for.
      await insertMembers(server.app.storage, org.id, Array.from({ length: 300 }, (_, k) => ({ display_name: `Orbit ${k}`, position: 'Orbit keeper', summary: 'Orbit '.repeat(40) + k, is_public: true })));
      for (let k = 0; k < 120; k++) {
        const cursor = Buffer.from(JSON.stringify({ offset: k })).toString('base64url');
        const res = await server.request('GET', `/v1/directory?q=orbit&limit=100&cursor=${cursor}`, { token: viewer.token });
        assert.equal(res.status, 200);
        const counts = await pageCounts(server);
        assert.ok(counts.bytes <= 1024 * 1024, `${counts.bytes} bytes kept`);
      }
      const counts = await pageCounts(server);
      assert.ok(counts.entries >= 1 && counts.entries < 20, `${counts.entries} pages kept`);
    } finally {
      await server.close();
    }
  });

  it('DIRECTORY_CACHE_MB=0 renders every page and keeps none', async () => {
    const server = await startServer(backends[0]!, { config: { directoryCacheMb: 0 } });
    try {
      const viewer = await server.createUser({ displayName: 'Viewer' });
      for (let k = 0; k < 3; k++) assert.equal((await server.request('GET', '/v1/directory?q=viewer', { token: viewer.token })).status, 200);
      assert.deepEqual(await pageCounts(server), { hit: 0, miss: 0, bytes: 0, entries: 0 });
    } finally {
      await server.close();
    }
  });
});
