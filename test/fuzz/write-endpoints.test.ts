import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { targets } from './targets.ts';

/**
 * Property-based fuzzing of every write endpoint: arbitrary JSON (wrong types, huge and
 * deeply nested values, Unicode edge cases, lone surrogates, prototype-pollution keys) and
 * odd content types. Never a 5xx, never a hang, always the dialect's envelope, and the
 * stored profile unchanged after a rejection. `npm test` runs a fixed-seed slice;
 * `npm run fuzz` runs FUZZ_RUNS (default 10 000) cases per endpoint.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 60);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261123);

const nastyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('\ud800', '\udfff', 'a\u0000b', '\u202e', '𝕏'.repeat(300), 'x'.repeat(20_000), '__proto__', 'constructor', 'javascript:alert(1)', '', ' ', '1990-02-30', 'GENDER_MALE', 'DE', 'null'),
);
const fieldName = fc.oneof(
  fc.constantFrom('given_name', 'display_name', 'email', 'username', 'kind', 'version', 'id', 'tags', 'company_info', 'date_of_birth', 'country', 'is_public', 'website', 'summary', 'current_password', 'new_password', '__proto__', 'constructor', 'prototype'),
  fc.string({ maxLength: 12 }),
);
const leaf = fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.bigInt().map((b) => Number(b)));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fieldName, tie('node'), { maxKeys: 4 })),
})).node;
const body = fc.oneof(
  fc.dictionary(fieldName, value, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  value.map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom('{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"x": 1}}}', '{', '[]', '""', '{"a":' + '['.repeat(5000), '\u0000', ''),
);
const contentType = fc.constantFrom('application/json', 'application/merge-patch+json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x');

for (const backend of backends) {
  describe(`fuzzing the write endpoints (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend, { config: { loginMaxFailuresPerAccount: 1_000_000 } });
      user = await server.createUser();
    });
    after(() => server.close());

    for (const target of targets) {
      it(`${target.name}: ${RUNS} arbitrary requests, no 5xx, own envelope, nothing changed when refused`, async () => {
        await fc.assert(
          fc.asyncProperty(body, contentType, fc.constantFrom('', '?x=1', '?access_token=', '?a[b]=c&__proto__=1'), async (raw, ct, query) => {
            const before = await server.request('GET', target.readPath, { token: user.token });
            const res = await server.request(target.method, target.path + query, { token: user.token, raw, contentType: ct });
            assert.ok(res.status < 500, `${res.status} for ${ct} ${raw.slice(0, 200)}: ${res.text.slice(0, 300)}`);
            assert.ok(target.envelope(res.status, res.body, res.headers.get('content-type')), `not the envelope: ${res.status} ${res.text.slice(0, 300)}`);
            if (res.status >= 400) {
              const after = await server.request('GET', target.readPath, { token: user.token });
              assert.deepEqual(after.body, before.body, 'a refused request must change nothing');
            }
            assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'prototype polluted');
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      });
    }
  });
}
