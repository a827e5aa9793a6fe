import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { backends } from '../support/backends.ts';
import { runCli, spawnServer, type ServerProcess } from '../support/process.ts';
import { PASSWORD } from '../support/server.ts';

/**
 * Under a stream of PATCHes from several clients, the server is killed with SIGKILL at
 * random moments and restarted on the same database. Every write acknowledged with 2xx must
 * be there afterwards, the events must match the versions one for one, and SQLite's
 * integrity check must pass. `npm test` runs CRASH_KILLS=3 per database; `npm run crash` 20.
 */
const KILLS = Number(process.env['CRASH_KILLS'] ?? 3);
const FIELDS = ['city', 'street', 'state', 'company_name'] as const;

interface Ack {
  readonly field: string;
  readonly value: string;
  readonly version: number;
}

async function login(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username: email, password: PASSWORD }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function history(url: string, token: string) {
  const events: { version: number; changes: { field: string; new?: unknown }[] }[] = [];
  let next: string | null = '/v1/me/history?limit=100';
  while (next) {
    const page = (await (await fetch(url + next, { headers: { authorization: `Bearer ${token}` } })).json()) as { events: typeof events; next: string | null };
    events.push(...page.events);
    next = page.next;
  }
  return events;
}

for (const backend of backends) {
  describe(`kill -9 under load (${backend.name})`, () => {
    const alive: ServerProcess[] = [];
    after(() => alive.forEach((s) => s.child.kill('SIGKILL')));

    it(`${KILLS} kills at random moments lose no acknowledged write`, async () => {
      const databaseUrl = await backend.freshDatabase();
      const email = `loop-${backend.name}@example.com`;
      assert.equal((await runCli(['user', 'create', '--email', email, '--password', PASSWORD], { DATABASE_URL: databaseUrl })).code, 0);
      const acks: Ack[] = [];
      let attempted = 0;
      for (let round = 0; round < KILLS; round++) {
        const server = await spawnServer(databaseUrl);
        alive.push(server);
        const token = await login(server.url, email);
        let stop = false;
        const clients = FIELDS.map(async (field) => {
          for (let i = 0; !stop; i++) {
            const value = `${field}-${round}-${i}`;
            attempted++;
            try {
              const res = await fetch(`${server.url}/v1/me/profile`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ [field]: value }) });
              if (res.ok) acks.push({ field, value, version: ((await res.json()) as { version: number }).version });
            } catch {
              return; // the server is gone: this write was never acknowledged
            }
          }
        });
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 400));
        server.child.kill('SIGKILL');
        stop = true;
        await Promise.all(clients);
        await server.exited;
      }
      const final = await spawnServer(databaseUrl);
      alive.push(final);
      const token = await login(final.url, email);
      const profile = (await (await fetch(`${final.url}/v1/me/profile`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown> & { version: number };
      const events = await history(final.url, token);
      const versions = events.map((e) => e.version).sort((a, b) => a - b);
      assert.deepEqual(versions, Array.from({ length: profile.version }, (_, i) => i + 1), 'one event per version, none missing, none doubled');
      const byVersion = new Map(events.map((e) => [e.version, e]));
      for (const ack of acks) {
        const event = byVersion.get(ack.version);
        assert.ok(event, `acknowledged version ${ack.version} has no event`);
        assert.ok(event.changes.some((c) => c.field === ack.field && c.new === ack.value), `version ${ack.version} does not record ${ack.field}=${ack.value}`);
      }
      for (const field of FIELDS) {
        const last = acks.filter((a) => a.field === field).at(-1);
        if (last) {
          const laterEvents = events.filter((e) => e.version >= last.version && e.changes.some((c) => c.field === field));
          assert.ok(laterEvents.some((e) => e.changes.some((c) => c.new === profile[field])), `${field} lost its last acknowledged value`);
        }
      }
      final.child.kill('SIGKILL');
      await final.exited;
      if (backend.name === 'sqlite') {
        const db = new Database(databaseUrl.slice('sqlite:'.length));
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        db.close();
      }
      process.stdout.write(`# ${backend.name}: ${KILLS} kills, ${attempted} writes attempted, ${acks.length} acknowledged and verified, final version ${profile.version}\n`);
      assert.ok(acks.length > KILLS, 'the load actually ran');
    });
  });
}
