import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firstInvalidUtf8 } from '../packages/server/src/http/utf8-bodies.ts';
import { backends } from './support/backends.ts';
import { startServer, type TestServer, type TestUser } from './support/server.ts';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const cat = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : Buffer.from(p))));

/** A JSON body whose one string value holds `bytes` in the middle of real text (ZITADEL's PUT also needs both names). */
const jsonWith = (field: string, bytes: number[], rest = '') => cat(`{${rest}"${field}": "Jane `, bytes, ' Doe"}');

async function send(server: TestServer, method: string, path: string, body: Uint8Array, contentType: string, token?: string) {
  const res = await fetch(server.url + path, { method, headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: new Uint8Array(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: json };
}

/** The five profile writes, each with the field it writes, where to read it back, and its envelope for a 400. */
const WRITES = [
  { name: 'native', method: 'PATCH', path: '/v1/me/profile', type: 'application/merge-patch+json', field: 'display_name', read: '/v1/me/profile', value: (b: any) => b.display_name, envelope: (r: { body: any; type: string }) => r.type.includes('problem+json') && r.body.code === 'request.invalid_encoding' },
  { name: 'nexudus', method: 'PATCH', path: '/api/public/coworker/profile', type: 'application/json', field: 'FullName', read: '/en/profile?_resource=Coworker', value: (b: any) => b.FullName, envelope: (r: { body: any }) => r.body.WasSuccessful === false && r.body.Status === 400 && r.body.Errors.length === 1 && r.body.Errors[0].PropertyName === null && /UTF-8/.test(r.body.Errors[0].Message) },
  { name: 'workspace', method: 'PUT', path: '/api/workspace/account/profile', type: 'application/json', field: 'FirstName', read: '/api/workspace/account/profile', value: (b: any) => b.Data.FirstName, envelope: (r: { body: any }) => r.body.Success === false && r.body.Errors.some((e: { Message: string }) => /UTF-8/.test(e.Message)) },
  { name: 'zitadel', method: 'PUT', path: '/auth/v1/users/me/profile', type: 'application/json', field: 'displayName', rest: '"firstName": "Jane", "lastName": "Doe", ', read: '/auth/v1/users/me/profile', value: (b: any) => b.profile.displayName, envelope: (r: { body: any }) => r.body.code === 3 && /UTF-8/.test(r.body.message) && Array.isArray(r.body.details) },
  { name: 'aisquare', method: 'PATCH', path: '/api/v1/iam/user/profile/', type: 'application/json', field: 'full_name', read: '/api/v1/iam/user/profile/', value: (b: any) => b.full_name, envelope: (r: { body: any }) => typeof r.body.detail === 'string' && /^JSON parse error - .*UTF-8/.test(r.body.detail) },
] as const;

/** Byte sequences that are not UTF-8, each of a kind a decoder would turn into U+FFFD. */
const INVALID: [string, number[]][] = [
  ['a lone continuation byte', [0x80]],
  ['0xFF', [0xff]],
  ['an overlong slash (C0 AF)', [0xc0, 0xaf]],
  ['an overlong three-byte form (E0 80 AF)', [0xe0, 0x80, 0xaf]],
  ['an encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['a truncated four-byte character (F0 9F 98)', [0xf0, 0x9f, 0x98]],
];

describe('firstInvalidUtf8 agrees with the WHATWG decoder', () => {
  it('finds a problem exactly where TextDecoder (fatal) refuses, for every two- and three-byte sequence', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Uint8Array) => {
      try {
        fatal.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    for (let a = 0x80; a <= 0xff; a++) {
      for (let b = 0; b <= 0xff; b++) {
        for (const tail of [[], [0x80], [0xbf], [0x41]]) {
          const bytes = Uint8Array.from([a, b, ...tail]);
          assert.equal(firstInvalidUtf8(bytes) === undefined, valid(bytes), Buffer.from(bytes).toString('hex'));
        }
      }
    }
  });
});

for (const backend of backends) {
  describe(`a body that is not UTF-8 is refused, never decoded into U+FFFD (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser({ displayName: 'Kept Name' });
    });
    after(() => server.close());

    for (const w of WRITES) {
      it(`${w.name} ${w.method} ${w.path}: each invalid sequence → 400 in the dialect's envelope, the field unchanged`, async () => {
        const read = async () => w.value((await server.request('GET', w.read, { token: user.token })).body);
        const before = await read();
        for (const [what, bytes] of INVALID) {
          const res = await send(server, w.method, w.path, jsonWith(w.field, bytes, 'rest' in w ? w.rest : ''), w.type, user.token);
          assert.equal(res.status, 400, `${what}: ${res.text}`);
          assert.ok(w.envelope(res), `${what}: ${res.text}`);
        }
        assert.equal(await read(), before);
        // The same body with real characters is taken (so the refusal above is the bytes').
        const ok = await send(server, w.method, w.path, jsonWith(w.field, [0xc3, 0xa9], 'rest' in w ? w.rest : ''), w.type, user.token);
        assert.equal(ok.status, 200, ok.text);
        assert.equal(await read(), 'Jane é Doe');
        await send(server, w.method, w.path, cat(`{${'rest' in w ? w.rest : ''}`, JSON.stringify({ [w.field]: before }).slice(1)), w.type, user.token);
      });
    }

    it('every route that reads a body refuses invalid UTF-8 before anything else (400, or 415 for a type it does not take), never a 5xx', async () => {
      const withBody = server.app.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
      assert.ok(withBody.length >= 30, 'the walk finds the routes');
      for (const route of withBody) {
        const path = route.url.replace(/:lang\([^)]*\)/, 'en').replace(/::/g, '\0').replace(/:(\w+)/g, user.profileId).replace(/\0/g, ':');
        for (const [type, body] of [['application/json', jsonWith('x', [0xff])], ['application/x-www-form-urlencoded', cat('login=Jane', [0xff])], ['application/x-www-form-urlencoded', utf8('login=Jane%FF%FE')]] as const) {
          const res = await send(server, route.method, path, body, type, user.token);
          const where = `${route.method} ${path} as ${type} (${body.toString('latin1')})`;
          assert.ok([400, 415].includes(res.status), `${where}: ${res.status} ${res.text}`);
          // ZITADEL answers a type it does not take with 400 (grpc-gateway's INVALID_ARGUMENT) rather than 415.
          if (res.status === 400) assert.match(res.text, /UTF-8|content type is not supported/, where);
        }
      }
    });

    it('the sign-in and token forms: a percent-encoded invalid byte is refused as surely as a raw one', async () => {
      const form = (login: string) => utf8(new URLSearchParams({ grant_type: 'password', username: login, password: 'x' }).toString().replace('PLACEHOLDER', '%C3%28'));
      const res = await send(server, 'POST', '/oauth/token', form('PLACEHOLDER'), 'application/x-www-form-urlencoded');
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, /UTF-8/);
      const fine = await send(server, 'POST', '/oauth/token', utf8(`grant_type=password&username=${encodeURIComponent(user.username)}&password=${encodeURIComponent('wrong-password-1')}`), 'application/x-www-form-urlencoded');
      assert.equal(fine.body.error, 'invalid_grant');
    });
  });

  describe(`over the body limit, every dialect answers 413 (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('ZITADEL PUT with 70 KiB → 413 in grpc-gateway\'s {code, message, details}, like the other four', async () => {
      for (const w of WRITES) {
        const res = await send(server, w.method, w.path, utf8(JSON.stringify({ [w.field]: 'x'.repeat(70 * 1024) })), w.type, user.token);
        assert.equal(res.status, 413, `${w.name}: ${res.text}`);
      }
      const z = await send(server, 'PUT', '/auth/v1/users/me/profile', utf8(JSON.stringify({ firstName: 'x'.repeat(70 * 1024) })), 'application/json', user.token);
      assert.deepEqual([z.body.code, typeof z.body.message, z.body.details], [8, 'string', []]);
    });
  });
}
