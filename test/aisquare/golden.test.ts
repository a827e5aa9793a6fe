import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { assertView, sdkExampleBody } from './support/seed.ts';

/**
 * Golden request/response pairs in test/fixtures/aisquare/NN-*.json, replayed in order on a
 * fresh server, each by a fresh user. Values that differ per run (the user's id, email,
 * username and creation time) are written as {{placeholders}}. `UPDATE_GOLDEN=1` rewrites
 * the responses from what the server answers — review the diff before committing it.
 */
interface Golden {
  description: string;
  request: { method: string; path: string; auth: 'user' | 'none' | 'invalid'; contentType?: string; body?: string };
  response: { status: number; body: unknown };
}

const dir = new URL('../fixtures/aisquare/', import.meta.url);
const files = readdirSync(dir).filter((f) => /^\d\d-.*\.json$/.test(f)).sort();
const update = process.env['UPDATE_GOLDEN'] === '1';

function withPlaceholders(value: unknown, known: Record<string, string>): unknown {
  if (typeof value === 'string') return Object.entries(known).find(([, v]) => v === value)?.[0] ?? value;
  if (Array.isArray(value)) return value.map((v) => withPlaceholders(v, known));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v, known)]));
  return value;
}

for (const backend of backends) {
  describe(`AISquare golden fixtures (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      // Phones round-trip as written, the default (their opt-in verification: test/lifecycle/verified-phone.test.ts).
      server = await startServer(backend);
    });
    after(() => server.close());

    it('the SDK example fixture is the seed\'s own example, byte for byte', () => {
      const golden = JSON.parse(readFileSync(new URL('02-sdk-example.json', dir), 'utf8')) as Golden;
      assert.equal(golden.request.body, sdkExampleBody());
    });

    for (const file of files) {
      it(file, async () => {
        const golden = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Golden;
        const user = await server.createUser({ displayName: 'Golden User' });
        const account = await server.app.storage.repos.findAccount(user.id);
        const token = golden.request.auth === 'user' ? user.token : golden.request.auth === 'invalid' ? `${user.token.slice(0, -6)}xxxxxx` : undefined;
        const res = await server.request(golden.request.method, golden.request.path, {
          ...(token ? { token } : {}),
          ...(golden.request.body !== undefined ? { raw: golden.request.body, contentType: golden.request.contentType ?? 'application/json' } : {}),
        });
        if (res.status === 200) assertView(res.body);
        const known = { '{{user_id}}': user.id, '{{email}}': user.email, '{{username}}': user.username, '{{created_at}}': account!.created_at };
        const actual = { status: res.status, body: withPlaceholders(res.body, known) };
        if (update && backend.name === 'sqlite') writeFileSync(new URL(file, dir), `${JSON.stringify({ ...golden, response: actual }, null, 2)}\n`);
        else assert.deepEqual(actual, golden.response);
      });
    }
  });
}
