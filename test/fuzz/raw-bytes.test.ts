import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { countReplacements, fieldPositions, firstStringField, hex, holdsNul, holdsReplacementCharacter, isUtf8, rawBodies, withFragment, type RawCase } from './raw-bodies.ts';
import { targets, type FuzzTarget } from './targets.ts';

/**
 * Byte-level fuzzing of every write endpoint (issue 18): raw bodies that are not UTF-8,
 * overlong or surrogate encodings, truncated characters, deep nesting and huge numbers at
 * every field position, duplicate keys, byte-order marks, bodies cut short. Per target:
 * (1) never a 5xx; (2) always the target's envelope; (3) a body that is not UTF-8 gets 400;
 * (4) a refused request changes nothing; (5) an accepted one was UTF-8 and neither the
 * answer nor the stored profile gained a U+FFFD the body did not hold. Every violation of a
 * run is collected, so one failure report lists them all. FUZZ_RAW_RUNS cases per target
 * (default 60), FUZZ_SEED for another sequence.
 */
const RUNS = Number(process.env['FUZZ_RAW_RUNS'] ?? 60);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261123);
const BODY_LIMIT = 65_536;

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly body: unknown;
  readonly contentType: string | null;
}

async function answer(res: globalThis.Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body, contentType: res.headers.get('content-type') };
}

const send = async (server: TestServer, user: TestUser, target: FuzzTarget, bytes: Buffer) =>
  answer(await fetch(server.url + target.path, { method: target.method, headers: { authorization: `Bearer ${user.token}`, 'content-type': target.contentType }, body: new Uint8Array(bytes) }));
const read = async (server: TestServer, user: TestUser, path: string) => answer(await fetch(server.url + path, { headers: { authorization: `Bearer ${user.token}` } }));
const sameState = (a: Answer, b: Answer) => a.status === b.status && (a.text === b.text || isDeepStrictEqual(a.body, b.body));
const shown = (c: RawCase, res: Answer) => `${c.label}\n    body (hex): ${hex(c.bytes)}\n    answer: ${res.status} ${res.text.slice(0, 300)}`;

/** The five properties for one case; the violations found (none when all hold). */
async function violations(server: TestServer, user: TestUser, target: FuzzTarget, c: RawCase): Promise<{ property: string; detail: string; status: number }[]> {
  const found: { property: string; detail: string; status: number }[] = [];
  const before = await read(server, user, target.readPath);
  const res = await send(server, user, target, c.bytes);
  const fail = (property: string, extra = '') => found.push({ property, detail: shown(c, res) + extra, status: res.status });
  const utf8 = isUtf8(c.bytes);
  if (res.status >= 500) fail('(1) a 5xx');
  if (!target.envelope(res.status, res.body, res.contentType)) fail('(2) not the envelope');
  const expected = c.bytes.length > BODY_LIMIT ? 413 : 400;
  if (!utf8 && res.status !== expected) fail(`(3) not UTF-8 but not ${expected}`);
  const afterwards = await read(server, user, target.readPath);
  if (res.status >= 300 && !sameState(before, afterwards)) fail('(4) refused, yet the stored state changed', `\n    before: ${before.text.slice(0, 200)}\n    after:  ${afterwards.text.slice(0, 200)}`);
  if (res.status < 300) {
    if (!utf8) fail('(5) accepted a body that is not UTF-8');
    if (!holdsReplacementCharacter(c.bytes)) {
      if (countReplacements(afterwards.text) > countReplacements(before.text)) fail('(5) U+FFFD appeared in the stored profile', `\n    stored: ${afterwards.text.slice(0, 300)}`);
      // The answer may show what was stored before (a view); CommonMark turns NUL into U+FFFD when rendering.
      else if (countReplacements(res.text) > countReplacements(before.text) && !holdsNul(c.bytes)) fail('(5) U+FFFD in the answer');
    }
  }
  return found;
}

/** Violations grouped by property, kind of case and status: one example (hex) per group. */
function summary(target: FuzzTarget, all: { property: string; detail: string; status: number; label: string }[]): string {
  const groups = new Map<string, { count: number; example: string }>();
  for (const v of all) {
    const key = `${v.property} — ${v.label.replace(/#\d+/g, '#n').replace(/@.*$/, '@…')} — ${v.status}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { count: 1, example: v.detail });
  }
  const lines = [...groups].sort(([a], [b]) => a.localeCompare(b)).slice(0, 40).map(([k, g]) => `  ${k} ×${g.count}\n    e.g. ${g.example}`);
  return `${target.name}: ${all.length} violations in ${groups.size} groups (seed ${SEED})\n${lines.join('\n')}`;
}

/** Where a JSON dialect stores its name field canonically: to prove what was stored is what was sent. */
const NAME_FIELD: Readonly<Record<string, readonly [wire: string, canonical: string]>> = {
  '/v1/me/profile': ['display_name', 'display_name'],
  '/api/v1/iam/user/profile/': ['full_name', 'display_name'],
  '/auth/v1/users/me/profile': ['displayName', 'display_name'],
  '/api/workspace/account/profile': ['FirstName', 'given_name'],
  '/api/public/coworker/profile': ['FullName', 'display_name'],
};
const profileWriters = targets.filter((t) => NAME_FIELD[t.path]);
const nexudus = targets.find((t) => t.path === '/api/public/coworker/profile')!;
/** Fields that hold any JSON (the registry's `json` type), where a string is not checked as text. */
const JSON_FIELDS = [
  [targets.find((t) => t.path === '/v1/me/profile')!, ['company_info'], 'company_info'],
  [targets.find((t) => t.path === '/api/v1/iam/user/profile/')!, ['details', 'company_info'], 'company_info'],
  [targets.find((t) => t.path === '/api/v1/iam/user/profile/')!, ['details', 'additional_data'], 'additional_data'],
] as const;
const utf8 = (s: string) => Buffer.from(s, 'utf8');
let serial = 0;

for (const backend of backends) {
  describe(`byte-level fuzzing of the write endpoints (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend, { config: { loginMaxFailuresPerAccount: 1_000_000, loginMaxFailuresPerIp: 1_000_000, bodyLimitBytes: BODY_LIMIT } });
      user = await server.createUser();
    });
    after(() => server.close());

    for (const [i, target] of targets.entries()) {
      it(`${target.name}: ${RUNS} raw bodies, no 5xx, own envelope, 400 for non-UTF-8, nothing changed when refused, nothing mangled when accepted`, async (t) => {
        const found: { property: string; detail: string; status: number; label: string }[] = [];
        const statuses = new Map<number, number>();
        for (const c of fc.sample(rawBodies(target), { numRuns: RUNS, seed: SEED + i })) {
          const v = await violations(server, user, target, c);
          found.push(...v.map((x) => ({ ...x, label: c.label })));
        }
        for (const v of found) statuses.set(v.status, (statuses.get(v.status) ?? 0) + 1);
        t.diagnostic(`${found.length} violations of ${RUNS} cases (statuses of the violating answers: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ') || 'none'})`);
        assert.equal(found.length, 0, summary(target, found));
      });
    }
  });

  describe(`raw bodies, the deterministic cases (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    const native = async () => (await read(server, user, '/v1/me/profile')).body as Record<string, unknown>;
    before(async () => {
      server = await startServer(backend, { config: { loginMaxFailuresPerAccount: 1_000_000, loginMaxFailuresPerIp: 1_000_000, bodyLimitBytes: BODY_LIMIT } });
      user = await server.createUser();
    });
    after(() => server.close());

    for (const target of targets) {
      it(`${target.name}: one invalid byte (FF) in a string value → 400 in its envelope, nothing stored`, async () => {
        const field = firstStringField(target);
        const json = !target.contentType.includes('form');
        const bytes = withFragment(target, [field], Buffer.concat([utf8(json ? '"Zo' : 'Zo'), Buffer.from([0xff]), utf8(json ? 'ë"' : '%C3%AB')]));
        const [before, stored] = [await read(server, user, target.readPath), countReplacements(JSON.stringify(await native()))];
        const res = await send(server, user, target, bytes);
        const c = { label: `FF in ${field}`, bytes };
        assert.equal(res.status, 400, shown(c, res));
        assert.ok(target.envelope(res.status, res.body, res.contentType), `not the envelope: ${shown(c, res)}`);
        const afterwards = await read(server, user, target.readPath);
        assert.ok(sameState(before, afterwards), `the stored state changed: ${afterwards.text.slice(0, 300)}`);
        assert.equal(countReplacements(JSON.stringify(await native())), stored, 'U+FFFD stored');
      });
    }

    for (const [name, fragment] of [
      ['array', '['.repeat(10_000) + ']'.repeat(10_000)],
      ['object', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ] as const) {
      it(`nexudus: a 10 000-deep ${name} in FullName → 400 (not 500), WasSuccessful false with a non-empty, bounded Errors list`, async () => {
        const bytes = withFragment(nexudus, ['FullName'], utf8(fragment));
        const before = await read(server, user, nexudus.readPath);
        const res = await send(server, user, nexudus, bytes);
        const c = { label: `10 000-deep ${name} in FullName`, bytes };
        assert.equal(res.status, 400, shown(c, res));
        assert.ok(nexudus.envelope(res.status, res.body, res.contentType), `not the envelope: ${shown(c, res)}`);
        const errors = (res.body as { Errors: unknown }).Errors;
        assert.ok(Array.isArray(errors) && errors.length > 0, `WasSuccessful false needs a non-empty Errors list: ${res.text.slice(0, 300)}`);
        assert.ok(res.text.length < 4096, `the attempted value is echoed unbounded (${res.text.length} characters)`);
        assert.ok(sameState(before, await read(server, user, nexudus.readPath)), 'the stored state changed');
      });
    }

    for (const target of targets) {
      const form = target.contentType.includes('form');
      it(`${target.name}: ${form ? 'a percent-encoded NUL' : '10 000-deep arrays and objects'} at every field position → never 5xx, own envelope, nothing changed`, async () => {
        const fragments = form ? ['%00', 'a%00b'] : ['['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)];
        const failures: string[] = [];
        for (const path of fieldPositions(target)) {
          for (const fragment of fragments) {
            const bytes = withFragment(target, path, utf8(fragment));
            const before = await read(server, user, target.readPath);
            const res = await send(server, user, target, bytes);
            const c = { label: `${fragment.slice(0, 12)}… at ${path.join('.')}`, bytes };
            if (res.status >= 500 || !target.envelope(res.status, res.body, res.contentType)) failures.push(shown(c, res));
            else if (res.status >= 300 && !sameState(before, await read(server, user, target.readPath))) failures.push(`changed the stored state: ${shown(c, res)}`);
          }
        }
        assert.deepEqual(failures, []);
      });
    }

    for (const target of profileWriters) {
      const [wire, canonical] = NAME_FIELD[target.path]!;
      it(`${target.name}: a UTF-8 BOM before the JSON → never 500, and never mangled storage`, async (t) => {
        const value = `Zoë Ōkubo 🚀 ${++serial}`;
        const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), withFragment(target, [wire], utf8(JSON.stringify(value)))]);
        const before = await read(server, user, target.readPath);
        const res = await send(server, user, target, bytes);
        const c = { label: 'BOM', bytes };
        t.diagnostic(`BOM answered ${res.status}`);
        assert.ok(res.status < 500, shown(c, res));
        assert.ok(target.envelope(res.status, res.body, res.contentType), `not the envelope: ${shown(c, res)}`);
        if (res.status < 300) assert.equal((await native())[canonical], value, 'accepted, so stored exactly as sent (no U+FEFF, no U+FFFD)');
        else assert.ok(sameState(before, await read(server, user, target.readPath)), 'refused, yet the stored state changed');
      });

      // (NFC text: the registry normalizes to NFC, so "e\u0308" would be stored as "ë", by design.)
      it(`${target.name}: valid UTF-8 holding a literal U+FFFD and astral characters is accepted and stored verbatim`, async () => {
        const value = `Zoë \uFFFD 𝕏🚀 ${++serial}`;
        const res = await send(server, user, target, withFragment(target, [wire], utf8(JSON.stringify(value))));
        assert.equal(res.status, 200, res.text.slice(0, 300));
        assert.equal((await native())[canonical], value);
      });
    }

    for (const [target, path, canonical] of JSON_FIELDS) {
      it(`${target.name}: escaped NUL and lone surrogates inside ${path.join('.')} (any JSON) → never 500; stored exactly as sent, or refused`, async () => {
        for (const fragment of ['"\\u0000"', '"\\ud800"', '{"a":["x\\udfffy"]}']) {
          const bytes = withFragment(target, path, utf8(fragment));
          const before = await read(server, user, target.readPath);
          const res = await send(server, user, target, bytes);
          const c = { label: `${fragment} in ${path.join('.')}`, bytes };
          assert.ok(res.status < 500, shown(c, res));
          assert.ok(target.envelope(res.status, res.body, res.contentType), `not the envelope: ${shown(c, res)}`);
          if (res.status < 300) assert.deepEqual((await native())[canonical], JSON.parse(fragment), `accepted, so stored exactly as sent: ${fragment}`);
          else assert.ok(sameState(before, await read(server, user, target.readPath)), 'refused, yet the stored state changed');
        }
      });
    }
  });
}
