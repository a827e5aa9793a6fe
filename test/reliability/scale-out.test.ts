import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postgres } from '../support/backends.ts';
import { runCli, spawnServer, type ServerProcess } from '../support/process.ts';
import { PASSWORD } from '../support/server.ts';

/** Two server processes on one PostgreSQL behave as one: keys, versions, sessions, limits. */
describe('two instances sharing one PostgreSQL', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  const email = 'scale@example.com';
  const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
  const grant = async (server: ServerProcess, body: Record<string, string>) => {
    const res = await fetch(`${server.url}/oauth/token`, form(body));
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const patch = (server: ServerProcess, token: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/me/profile`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  before(async () => {
    const databaseUrl = await postgres.freshDatabase();
    await runCli(['user', 'create', '--email', email, '--password', PASSWORD], { DATABASE_URL: databaseUrl });
    await runCli(['user', 'create', '--email', 'limited@example.com', '--password', PASSWORD], { DATABASE_URL: databaseUrl });
    const env = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', PUBLIC_URL: 'http://profiled.test' };
    [a, b] = await Promise.all([spawnServer(databaseUrl, env), spawnServer(databaseUrl, env)]);
  });
  after(() => {
    a?.child.kill('SIGKILL');
    b?.child.kill('SIGKILL');
  });

  it('a token from one instance is accepted by the other (signing keys live in the database)', async () => {
    const { body } = await grant(a, { grant_type: 'password', username: email, password: PASSWORD });
    const res = await fetch(`${b.url}/v1/me/profile`, { headers: { authorization: `Bearer ${body['access_token']}` } });
    assert.equal(res.status, 200);
  });

  it('40 concurrent PATCHes through both instances all land: distinct, gapless versions and one event each', async () => {
    const { body } = await grant(a, { grant_type: 'password', username: email, password: PASSWORD });
    const token = body['access_token']!;
    const start = ((await (await fetch(`${a.url}/v1/me/profile`, { headers: { authorization: `Bearer ${token}` } })).json()) as { version: number }).version;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => patch(i % 2 ? a : b, token, { [i % 2 ? 'city' : 'street']: `v${i}` })));
    assert.deepEqual(results.map((r) => r.status), results.map(() => 200));
    const versions = (await Promise.all(results.map(async (r) => ((await r.json()) as { version: number }).version))).sort((x, y) => x - y);
    assert.deepEqual(versions, Array.from({ length: 40 }, (_, i) => start + i + 1));
    const history = (await (await fetch(`${b.url}/v1/me/history?limit=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as { events: { version: number }[] };
    assert.deepEqual(history.events.filter((e) => e.version > start).map((e) => e.version).sort((x, y) => x - y), versions);
  });

  it('the same If-Match sent to both instances at once: exactly one wins, the other gets 412 and changes nothing', async () => {
    const { body } = await grant(b, { grant_type: 'password', username: email, password: PASSWORD });
    const token = body['access_token']!;
    const current = await fetch(`${a.url}/v1/me/profile`, { headers: { authorization: `Bearer ${token}` } });
    const etag = current.headers.get('etag')!;
    const [ra, rb] = await Promise.all([patch(a, token, { nickname: 'from A' }, { 'if-match': etag }), patch(b, token, { nickname: 'from B' }, { 'if-match': etag })]);
    assert.deepEqual([ra.status, rb.status].sort(), [200, 412]);
    const winner = ra.status === 200 ? 'from A' : 'from B';
    const now = (await (await fetch(`${b.url}/v1/me/profile`, { headers: { authorization: `Bearer ${token}` } })).json()) as { nickname: string; version: number };
    assert.equal(now.nickname, winner);
    assert.equal(now.version, Number(etag.replace(/"/g, '')) + 1);
  });

  it('refresh rotation holds across instances: reusing on B a token rotated on A ends the family everywhere', async () => {
    const first = await grant(a, { grant_type: 'password', username: email, password: PASSWORD });
    const rotated = await grant(a, { grant_type: 'refresh_token', refresh_token: first.body['refresh_token']! });
    assert.equal(rotated.status, 200);
    const reuse = await grant(b, { grant_type: 'refresh_token', refresh_token: first.body['refresh_token']! });
    assert.deepEqual([reuse.status, reuse.body['error']], [400, 'invalid_grant']);
    const afterReuse = await grant(a, { grant_type: 'refresh_token', refresh_token: rotated.body['refresh_token']! });
    assert.equal(afterReuse.status, 400, 'the whole family is revoked');
    const access = await fetch(`${a.url}/v1/me/profile`, { headers: { authorization: `Bearer ${rotated.body['access_token']}` } });
    assert.equal(access.status, 401);
  });

  it('login throttling counts failures across instances', async () => {
    for (const server of [a, b, a]) assert.equal((await grant(server, { grant_type: 'password', username: 'limited@example.com', password: 'wrong-password-1' })).status, 400);
    const blocked = await fetch(`${b.url}/oauth/token`, form({ grant_type: 'password', username: 'limited@example.com', password: PASSWORD }));
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  });
});
