import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { backends } from './support/backends.ts';
import { runCli, spawnServer, type ServerProcess } from './support/process.ts';
import { PASSWORD } from './support/server.ts';

/**
 * Nothing acknowledged is lost: a PATCH answered 200 survives `kill -9` of the server, and
 * SIGTERM lets in-flight requests finish before the process exits. Real processes, real files.
 */
async function token(url: string, login: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username: login, password: PASSWORD }) });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const patch = (url: string, t: string, body: unknown) =>
  fetch(`${url}/v1/me/profile`, { method: 'PATCH', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

for (const backend of backends) {
  describe(`durability of acknowledged writes (${backend.name})`, () => {
    const alive: ServerProcess[] = [];
    after(() => {
      for (const s of alive) s.child.kill('SIGKILL');
    });

    it('a PATCH acknowledged with 200 survives kill -9: value, version and event are there after a restart', async () => {
      const databaseUrl = await backend.freshDatabase();
      const user = await runCli(['user', 'create', '--email', `crash-${backend.name}@example.com`, '--password', PASSWORD], { DATABASE_URL: databaseUrl });
      assert.equal(user.code, 0, user.stderr);
      const acknowledged: { value: string; version: number }[] = [];
      for (let round = 0; round < 3; round++) {
        const server = await spawnServer(databaseUrl);
        alive.push(server);
        const t = await token(server.url, `crash-${backend.name}@example.com`);
        if (acknowledged.length > 0) {
          const read = (await (await fetch(`${server.url}/v1/me/profile`, { headers: { authorization: `Bearer ${t}` } })).json()) as { given_name: string; version: number };
          assert.deepEqual({ value: read.given_name, version: read.version }, acknowledged.at(-1), `round ${round}: the last acknowledged write must be there`);
        }
        const value = `Durable-${round}-${Math.random().toString(36).slice(2, 8)}`;
        const res = await patch(server.url, t, { given_name: value });
        assert.equal(res.status, 200);
        acknowledged.push({ value, version: ((await res.json()) as { version: number }).version });
        server.child.kill('SIGKILL');
        assert.equal(await server.exited, 'SIGKILL');
      }
      const last = await spawnServer(databaseUrl);
      alive.push(last);
      const t = await token(last.url, `crash-${backend.name}@example.com`);
      const history = (await (await fetch(`${last.url}/v1/me/history?limit=10`, { headers: { authorization: `Bearer ${t}` } })).json()) as { events: { version: number; changes: { field: string; new?: unknown }[] }[] };
      for (const ack of acknowledged) {
        const event = history.events.find((e) => e.version === ack.version);
        assert.ok(event, `event ${ack.version} missing`);
        assert.deepEqual(event.changes, [{ field: 'given_name', old: event.changes[0]!['old' as never], new: ack.value }]);
      }
      last.child.kill('SIGKILL');
    });

    it('SIGTERM: a request in flight finishes with 200, then the process exits 0 and the write is kept', async () => {
      const databaseUrl = await backend.freshDatabase();
      await runCli(['user', 'create', '--email', `term-${backend.name}@example.com`, '--password', PASSWORD], { DATABASE_URL: databaseUrl });
      const server = await spawnServer(databaseUrl, { SHUTDOWN_GRACE_MS: '10000' });
      alive.push(server);
      const t = await token(server.url, `term-${backend.name}@example.com`);
      // Half a body now, the rest after SIGTERM: the request is provably in flight.
      const body = JSON.stringify({ city: 'Kept After Shutdown' });
      const { hostname, port } = new URL(server.url);
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ hostname, port, path: '/v1/me/profile', method: 'PATCH', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => {
          server.child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 300);
        }, 200);
      });
      const res = await answer;
      assert.equal(res.status, 200, res.text);
      assert.equal(await server.exited, 0);
      const again = await spawnServer(databaseUrl);
      alive.push(again);
      const t2 = await token(again.url, `term-${backend.name}@example.com`);
      const profile = (await (await fetch(`${again.url}/v1/me/profile`, { headers: { authorization: `Bearer ${t2}` } })).json()) as Record<string, string>;
      assert.equal(profile['city'], 'Kept After Shutdown');
      again.child.kill('SIGKILL');
    });
  });
}
