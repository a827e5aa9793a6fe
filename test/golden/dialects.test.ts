import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * Golden request/response pairs for the workspace, ZITADEL and Nexudus dialects
 * (test/fixtures/<dialect>/NN-*.json), each replayed by a fresh user. Per-run values (ids,
 * emails, usernames, versions, timestamps) are written as {{placeholders}}. `UPDATE_GOLDEN=1`
 * rewrites the responses from what the server answers; review the diff before committing.
 */
interface Golden {
  description: string;
  request: { method: string; path: string; auth: 'user' | 'none'; contentType?: string; body?: string };
  response: { status: number; body: unknown };
}

const update = process.env['UPDATE_GOLDEN'] === '1';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function normalise(value: unknown, known: Record<string, string>): unknown {
  if (typeof value === 'string') return Object.entries(known).find(([, v]) => v === value)?.[0] ?? (ISO.test(value) ? '{{timestamp}}' : value);
  if (Array.isArray(value)) return value.map((v) => normalise(v, known));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, known)]));
  return value;
}

for (const dialect of ['workspace', 'zitadel', 'nexudus']) {
  const dir = new URL(`../fixtures/${dialect}/`, import.meta.url);
  const files = readdirSync(dir).filter((f) => /^\d\d-.*\.json$/.test(f)).sort();
  for (const backend of backends) {
    describe(`${dialect} golden fixtures (${backend.name})`, () => {
      let server: TestServer;
      before(async () => {
        server = await startServer(backend);
      });
      after(() => server.close());

      for (const file of files) {
        it(file, async () => {
          const golden = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Golden;
          const user = await server.createUser({ displayName: 'Golden User' });
          const res = await server.request(golden.request.method, golden.request.path, {
            ...(golden.request.auth === 'user' ? { token: user.token } : {}),
            ...(golden.request.body !== undefined ? { raw: golden.request.body, contentType: golden.request.contentType ?? 'application/json' } : {}),
          });
          const profile = (await server.request('GET', '/v1/me/profile', { token: user.token })).body;
          const known = { '{{account_id}}': user.id, '{{profile_id}}': profile.id, '{{email}}': user.email, '{{username}}': user.username, '{{org_id}}': profile.org_id, '{{version}}': String(profile.version) };
          const actual = { status: res.status, body: normalise(res.body, known) };
          if (update && backend.name === 'sqlite') writeFileSync(new URL(file, dir), `${JSON.stringify({ ...golden, response: actual }, null, 2)}\n`);
          else assert.deepEqual(actual, golden.response);
        });
      }
    });
  }
}
