import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { compileRegistry, registry } from '@profiled/core';
import { openStorage } from '../packages/server/src/storage/index.ts';
import type { Storage } from '../packages/server/src/storage/port.ts';
import { migrations } from '../packages/server/src/storage/sql/migrations.ts';
import { backends } from './support/backends.ts';

/** The storage port's conformance suite: the same assertions on every backend. */
const execFileAsync = promisify(execFile);
const reg = compileRegistry(registry);
const now = () => new Date().toISOString();
const open = (url: string) => openStorage({ url, registry: reg, sqliteSynchronous: 'NORMAL', now });

for (const backend of backends) {
  describe(`storage port (${backend.name})`, () => {
    const opened: Storage[] = [];
    after(async () => {
      for (const s of opened) await s.close().catch(() => undefined);
    });
    const fresh = async () => {
      const s = await open(await backend.freshDatabase());
      opened.push(s);
      return s;
    };

    it('a freshly migrated database matches the registry: a column per stored field, nullability as declared', async () => {
      const storage = await fresh();
      const report = await storage.migrate();
      assert.deepEqual(report.applied, migrations.map((m) => m.name));
      assert.equal(report.addedColumns.length, reg.storedProfileFields.length);
      const { tables } = await storage.inspectSchema();
      const profiles = tables.get('profiles')!;
      for (const def of reg.storedProfileFields) {
        const column = profiles.get(def.name);
        assert.ok(column, `profiles.${def.name} missing`);
        assert.equal(column.nullable, def.nullable, `profiles.${def.name} nullability`);
      }
      for (const def of reg.storedAccountFields) assert.ok(tables.get('accounts')!.has(def.name), `accounts.${def.name} missing`);
      assert.deepEqual((await storage.repos.findOrg({ slug: 'default' }))?.slug, 'default', 'a fresh database has the default org');
    });

    it('migrating again changes nothing', async () => {
      const storage = await fresh();
      await storage.migrate();
      assert.deepEqual(await storage.migrate(), { applied: [], addedColumns: [] });
    });

    it('two processes migrating at once: the lock lets one do the work, the other finds it done', async () => {
      const url = await backend.freshDatabase();
      const run = () => execFileAsync(process.execPath, ['packages/server/bin/profiled.js', 'migrate'], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' } });
      const outputs = await Promise.all([run(), run()]);
      const applied = outputs.flatMap((o) => JSON.parse(o.stdout).applied as string[]);
      assert.deepEqual(applied, migrations.map((m) => m.name));
      const storage = await open(url);
      opened.push(storage);
      assert.deepEqual(await storage.migrate(), { applied: [], addedColumns: [] });
    });

    it('refuses to run on a database migrated by a newer version', async () => {
      const storage = await fresh();
      await storage.migrate();
      const future = [...migrations, { name: '9999_future', up: async () => undefined }];
      assert.deepEqual((await storage.migrate({ migrations: future })).applied, ['9999_future']);
      await assert.rejects(storage.migrate(), /migrations this version does not know \(9999_future\)/);
    });

    it('a change and its event commit together or not at all', async () => {
      const storage = await fresh();
      await storage.migrate();
      const org = (await storage.repos.findOrg({ slug: 'default' }))!;
      const accountId = randomUUID();
      const profileId = randomUUID();
      const at = now();
      await storage.transaction(async (tx) => {
        await tx.insertAccount({ id: accountId, username: `u${accountId.slice(0, 8)}`, email: null, kind: 'service', password_hash: null, status: 'active', default_org_id: org.id, created_at: at, updated_at: at });
        await tx.insertProfile({ id: profileId, account_id: accountId, org_id: org.id, version: 1, created_at: at, updated_at: at, values: { display_name: 'Before' } });
        await tx.insertEvent({ profile_id: profileId, version: 1, kind: 'profile.created', actor_id: null, at, changes: [] });
      });
      await assert.rejects(
        storage.transaction(async (tx) => {
          await tx.updateProfile(profileId, { display_name: 'After' }, 2, now());
          // Version 1 already has an event: the unique (profile, version) index refuses this one.
          await tx.insertEvent({ profile_id: profileId, version: 1, kind: 'profile.updated', actor_id: null, at: now(), changes: [] });
        }),
      );
      const record = await storage.repos.findProfile(profileId);
      assert.equal(record?.values['display_name'], 'Before');
      assert.equal(record?.version, 1);
      assert.deepEqual((await storage.repos.listEvents(profileId, { limit: 10 })).map((e) => e.version), [1]);
    });

    it('a refresh token is consumed exactly once, even by concurrent callers', async () => {
      const storage = await fresh();
      await storage.migrate();
      const org = (await storage.repos.findOrg({ slug: 'default' }))!;
      const id = randomUUID();
      const profileId = randomUUID();
      const at = now();
      await storage.repos.insertAccount({ id, username: `r${id.slice(0, 8)}`, email: null, kind: 'human', password_hash: null, status: 'active', default_org_id: org.id, created_at: at, updated_at: at });
      await storage.repos.insertProfile({ id: profileId, account_id: id, org_id: org.id, version: 1, created_at: at, updated_at: at, values: {} });
      await storage.repos.insertSession({ id: 's1', account_id: id, profile_id: profileId, created_at: at, revoked_at: null });
      await storage.repos.insertRefreshToken({ hash: 'h1', session_id: 's1', created_at: at, expires_at: '2999-01-01T00:00:00.000Z' });
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => storage.repos.consumeRefreshToken('h1', now())));
      assert.equal(outcomes.filter((o) => o.status === 'ok').length, 1);
      assert.equal(outcomes.filter((o) => o.status === 'reused').length, 7);
      assert.deepEqual(await storage.repos.consumeRefreshToken('nope', now()), { status: 'unknown' });
    });

    it('rate-limit counters count within a window and restart after it', async () => {
      const storage = await fresh();
      await storage.migrate();
      const t = 1_000_000;
      assert.deepEqual(await storage.repos.hitRateLimit('k', 1000, t), { count: 1, resetAt: t + 1000 });
      assert.deepEqual(await storage.repos.hitRateLimit('k', 1000, t + 10), { count: 2, resetAt: t + 1000 });
      assert.deepEqual(await storage.repos.hitRateLimit('k', 1000, t + 1000), { count: 1, resetAt: t + 2000 });
      assert.deepEqual(await storage.repos.peekRateLimit('k', t + 1500), { count: 1, resetAt: t + 2000 });
      assert.equal(await storage.repos.peekRateLimit('k', t + 2000), undefined);
    });
  });
}

