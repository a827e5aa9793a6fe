import fc from 'fast-check';
import type { FuzzTarget } from './targets.ts';

/**
 * A byte-level generator of raw request bodies, beside the JSON-value generator of
 * write-endpoints.test.ts: what a broken client, a proxy or an attacker puts on the wire.
 * Every case starts from a realistic valid body of its target (one that would mostly be
 * accepted), then spoils it: invalid UTF-8 inside a string, overlong encodings, encoded
 * surrogates, truncated multi-byte characters, deep nesting or huge numbers at one field
 * position, a field given twice, a byte-order mark, a body cut short, a byte replaced.
 */
export interface RawCase {
  /** What kind of spoiling, for failure messages (`field:deep array #10000@details.bio`, `bom`, …); `#n` marks a number that varies. */
  readonly label: string;
  readonly bytes: Buffer;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Base = { readonly format: 'json'; readonly value: { [k: string]: Json } } | { readonly format: 'form'; readonly fields: readonly (readonly [string, string])[] };

/**
 * Realistic valid bodies, keyed by target path, with non-ASCII text everywhere so that a cut
 * lands inside a multi-byte character often. No field here starts a verification flow
 * (email, mobile phone) or signs the user out (the password is never the right one).
 */
const BASES: Readonly<Record<string, Base>> = {
  '/v1/me/profile': {
    format: 'json',
    value: { given_name: 'Zoë', family_name: 'Ōkubo', display_name: 'Zoë Ōkubo 🚀', city: 'Łódź', summary: 'Mathematician — “engines” ✓', tags: ['math', 'ünïcode'], is_public: true, company_info: { name: 'Müller GmbH', staff: [1, 2] } },
  },
  '/v1/me/password': { format: 'json', value: { current_password: 'not-the-pässword-1', new_password: 'Another-Horse-Battery-7-ß' } },
  '/api/v1/iam/user/profile/': {
    format: 'json',
    value: { full_name: 'Zoë Ōkubo', details: { bio: 'Ich schreibe über Maschinen ✓', address: { street: '12 Rue de l’Église', city: 'Paris', post_code: '75001' }, dob: '1815-12-10', company_info: { name: 'Müller GmbH', staff: [1, 2] }, additional_data: ['x', 1, true] } },
  },
  '/auth/v1/users/me/profile': { format: 'json', value: { firstName: 'Zoë', lastName: 'Ōkubo', nickName: 'zö', displayName: 'Zoë Ōkubo', preferredLanguage: 'de-CH', gender: 'GENDER_FEMALE' } },
  '/api/workspace/account/profile': { format: 'json', value: { FirstName: 'Zoë', LastName: 'Ōkubo-Müller' } },
  '/api/public/coworker/profile': {
    format: 'json',
    value: { FullName: 'Zoë Ōkubo', NickName: 'zö', Position: 'Ingénieure', CompanyName: 'Müller & Söhne', CityName: 'Kraków', ProfileSummary: '# Über mich\n\n— ✓ 🚀', ProfileTags: 'math,ünïcode', ProfileIsPublic: true },
  },
  '/v1/me/profile/summary:preview': { format: 'json', value: { summary: '# Zoë\n\n**fett** — ✓ 🚀' } },
  '/oauth/token': { format: 'form', fields: [['grant_type', 'password'], ['username', 'nobody-zoë@example.com'], ['password', 'wrong-pässword']] },
  '/oauth/revoke': { format: 'form', fields: [['token', 'opaque-tökén'], ['token_type_hint', 'refresh_token']] },
};

/** The valid body a target's cases start from (a one-field one for a target added later). */
export function baseBody(target: FuzzTarget): Base {
  return BASES[target.path] ?? (target.contentType.includes('form') ? { format: 'form', fields: [['value', 'Zoë']] } : { format: 'json', value: { value: 'Zoë' } });
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const bytes = (...b: number[]) => Buffer.from(b);

/** The base body serialized, unspoiled. */
export function validBytes(target: FuzzTarget): Buffer {
  const base = baseBody(target);
  return base.format === 'json' ? utf8(JSON.stringify(base.value)) : utf8(new URLSearchParams(base.fields.map(([k, v]) => [k, v])).toString());
}

// ---- the spoilers ---------------------------------------------------------------------

/** Byte sequences that are not UTF-8 (each one, wherever it stands). */
export const INVALID_SEQUENCES: readonly (readonly [string, Buffer])[] = [
  ['lone continuation 80', bytes(0x80)],
  ['lone continuation BF', bytes(0xbf)],
  ['two continuations', bytes(0x80, 0x80)],
  ['C0', bytes(0xc0)],
  ['C1', bytes(0xc1)],
  ['F5', bytes(0xf5)],
  ['F8', bytes(0xf8)],
  ['FE', bytes(0xfe)],
  ['FF', bytes(0xff)],
  ['overlong C0 AF (/)', bytes(0xc0, 0xaf)],
  ['overlong C0 A2 (")', bytes(0xc0, 0xa2)],
  ['overlong C1 BF', bytes(0xc1, 0xbf)],
  ['overlong E0 80 AF', bytes(0xe0, 0x80, 0xaf)],
  ['overlong E0 9F BF', bytes(0xe0, 0x9f, 0xbf)],
  ['overlong F0 80 80 AF', bytes(0xf0, 0x80, 0x80, 0xaf)],
  ['overlong NUL C0 80', bytes(0xc0, 0x80)],
  ['surrogate ED A0 80', bytes(0xed, 0xa0, 0x80)],
  ['surrogate ED BF BF', bytes(0xed, 0xbf, 0xbf)],
  ['CESU-8 pair', bytes(0xed, 0xa0, 0xbd, 0xed, 0xb2, 0xa9)],
  ['above U+10FFFF F4 90 80 80', bytes(0xf4, 0x90, 0x80, 0x80)],
  ['lead without continuation C3 41', bytes(0xc3, 0x41)],
];

/** The first bytes of multi-byte characters (é, €, 🚀), missing their last ones. */
export const TRUNCATED_CHARACTERS: readonly (readonly [string, Buffer])[] = [
  ['é cut', bytes(0xc3)],
  ['€ cut after 1', bytes(0xe2)],
  ['€ cut after 2', bytes(0xe2, 0x82)],
  ['🚀 cut after 1', bytes(0xf0)],
  ['🚀 cut after 2', bytes(0xf0, 0x9f)],
  ['🚀 cut after 3', bytes(0xf0, 0x9f, 0x9a)],
];

export const HUGE_NUMBERS: readonly string[] = ['1e400', '-1e400', '1E+309', '123456789012345678901234567890', '-123456789012345678901234567890', '-0', '-0.0', '1e-400', '4.9e-325', '9007199254740993', '0.' + '0'.repeat(400) + '1', '9'.repeat(1000), '-' + '9'.repeat(5000), '1' + '0'.repeat(308), '1.' + '5'.repeat(2000) + 'e-2'];

const text = fc.constantFrom('', 'Zoë', 'abc ', ' 東京', '🚀');
const invalidSeq = fc.constantFrom(...INVALID_SEQUENCES);
const truncatedChar = fc.constantFrom(...TRUNCATED_CHARACTERS);
const depth = fc.oneof(fc.constantFrom(10_000, 5_000, 1_000, 257, 256, 129, 128, 101, 100, 33, 32, 2), fc.integer({ min: 1, max: 10_000 }));

/** Something put where a JSON value goes: a label and its bytes. */
type Fragment = readonly [string, Buffer];

const jsonFragment: fc.Arbitrary<Fragment> = fc.oneof(
  fc.tuple(text, invalidSeq, text).map(([a, [name, seq], b]): Fragment => [`invalid in string (${name})`, Buffer.concat([utf8('"' + a), seq, utf8(b + '"')])]),
  fc.tuple(text, truncatedChar, fc.constantFrom('', 'x', ' more')).map(([a, [name, seq], b]): Fragment => [`truncated in string (${name})`, Buffer.concat([utf8('"' + a), seq, utf8(b + '"')])]),
  fc.tuple(depth, fc.constantFrom('1', '"x"', '[]', '{}', 'null')).map(([n, leaf]): Fragment => [`deep array #${n}`, utf8('['.repeat(n) + leaf + ']'.repeat(n))]),
  fc.tuple(depth, fc.constantFrom('1', '"x"', 'null')).map(([n, leaf]): Fragment => [`deep object #${n}`, utf8('{"a":'.repeat(n) + leaf + '}'.repeat(n))]),
  depth.map((n): Fragment => [`deep mixed #${n}`, utf8(Array.from({ length: n }, (_, i) => (i % 2 ? '[' : '{"k":')).join('') + '0' + Array.from({ length: n }, (_, i) => (i % 2 ? ']' : '}')).reverse().join(''))]),
  depth.map((n): Fragment => [`unclosed deep array #${n}`, utf8('['.repeat(n))]),
  fc.constantFrom(...HUGE_NUMBERS).map((s): Fragment => [`huge number ${s.slice(0, 24)}`, utf8(s)]),
  fc.constantFrom('"\\ud800"', '"\\udfff"', '"Zo\\udbff"', '"\\udc00\\ud800"').map((s): Fragment => [`escaped lone surrogate ${s}`, utf8(s)]),
  fc.constantFrom('"Zoë 🚀 ✓"', '"\uFFFD"', '"a\u2028b"', '"\uFEFF"', '"\\u0000"').map((s): Fragment => [`valid text ${JSON.stringify(s)}`, utf8(s)]),
);

const formFragment: fc.Arbitrary<Fragment> = fc.oneof(
  fc.tuple(text, invalidSeq).map(([a, [name, seq]]): Fragment => [`invalid in value (${name})`, Buffer.concat([utf8(encodeURIComponent(a)), seq])]),
  fc.tuple(text, truncatedChar).map(([a, [name, seq]]): Fragment => [`truncated in value (${name})`, Buffer.concat([utf8(encodeURIComponent(a)), seq])]),
  fc.constantFrom('%C0%AF', '%ED%A0%80', '%FF', '%E2%82', '%', '%zz', '%00').map((s): Fragment => [`percent-encoded ${s}`, utf8(s)]),
  depth.map((n): Fragment => [`deep brackets #${n}`, utf8('%5B'.repeat(Math.min(n, 2_000)))]),
  fc.constantFrom(...HUGE_NUMBERS).map((s): Fragment => [`huge number ${s.slice(0, 24)}`, utf8(s)]),
  fc.constantFrom('Zo%C3%AB', 'Zoë', '%EF%BF%BD').map((s): Fragment => [`valid text ${s}`, utf8(s)]),
);

// ---- placing a fragment ---------------------------------------------------------------

const HOLE = '\u0001hole\u0001';
const DUP = '\u0001dup\u0001';
const quoted = (s: string) => JSON.stringify(s);

export type Path = readonly (string | number)[];

/** Every position of a value in `v`: each member of each object, each element of each array. */
function positions(v: Json, at: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((e, i) => [[...at, i], ...positions(e, [...at, i])]);
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, e]) => [[...at, k], ...positions(e, [...at, k])]);
  return [];
}

function replaceAt(v: Json, path: Path, by: (old: Json, parent: Json) => Json): Json {
  if (path.length === 0) return by(v, v);
  const [head, ...rest] = path;
  if (Array.isArray(v)) return v.map((e, i) => (i === head ? (rest.length ? replaceAt(e, rest, by) : by(e, v)) : e));
  const o = v as { [k: string]: Json };
  return Object.fromEntries(Object.entries(o).map(([k, e]) => [k, k === head ? (rest.length ? replaceAt(e, rest, by) : by(e, o)) : e]));
}

/** `text` with the JSON string `marker` (quotes included) replaced by `fragment`. */
function splice(text: string, marker: string, fragment: Buffer): Buffer {
  const [before, after] = text.split(quoted(marker)) as [string, string];
  return Buffer.concat([utf8(before), fragment, utf8(after)]);
}

const serialize = (v: Json, pretty: boolean) => (pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v));

/** The object holding the member at `path`, with a second member `DUP` right after it. */
function withDuplicate(v: Json, path: Path): Json {
  const parent = path.slice(0, -1);
  const key = path[path.length - 1];
  const dup = (o: Json): Json => Object.fromEntries(Object.entries(o as { [k: string]: Json }).flatMap(([k, e]) => (k === key ? [[k, e], [DUP, HOLE]] : [[k, e]])));
  return parent.length === 0 ? dup(v) : replaceAt(v, parent, (o) => dup(o));
}

function jsonCases(value: { [k: string]: Json }): fc.Arbitrary<RawCase> {
  const all = positions(value);
  const memberPaths = all.filter((p) => typeof p[p.length - 1] === 'string');
  const name = (p: Path) => p.join('.');
  const field = fc.tuple(fc.constantFrom(...all), jsonFragment, fc.boolean()).map(([path, [what, frag], pretty]): RawCase => ({
    label: `field:${what}@${name(path)}`,
    bytes: splice(serialize(replaceAt(value, path, () => HOLE), pretty), HOLE, frag),
  }));
  const duplicate = fc.tuple(fc.constantFrom(...memberPaths), fc.oneof(jsonFragment, fc.constantFrom<Fragment>(['other string', utf8('"Ünterschied"')], ['null', utf8('null')], ['number', utf8('7')]))).map(([path, [what, frag]]): RawCase => {
    const key = String(path[path.length - 1]);
    const text = serialize(withDuplicate(value, path), false).replace(quoted(DUP), quoted(key));
    return { label: `duplicate key ${name(path)} (second: ${what})`, bytes: splice(text, HOLE, frag) };
  });
  return fc.oneof({ arbitrary: field, weight: 5 }, { arbitrary: duplicate, weight: 1 });
}

function formCases(fields: readonly (readonly [string, string])[]): fc.Arbitrary<RawCase> {
  const enc = (s: string) => encodeURIComponent(s);
  const join = (parts: Buffer[]) => Buffer.concat(parts.flatMap((p, i) => (i ? [utf8('&'), p] : [p])));
  const field = fc.tuple(fc.nat({ max: fields.length - 1 }), formFragment).map(([i, [what, frag]]): RawCase => ({
    label: `field:${what}@${fields[i]![0]}`,
    bytes: join(fields.map(([k, v], j) => (j === i ? Buffer.concat([utf8(enc(k) + '='), frag]) : utf8(enc(k) + '=' + enc(v))))),
  }));
  const duplicate = fc.tuple(fc.nat({ max: fields.length - 1 }), formFragment).map(([i, [what, frag]]): RawCase => ({
    label: `duplicate key ${fields[i]![0]} (second: ${what})`,
    bytes: join([...fields.map(([k, v]) => utf8(enc(k) + '=' + enc(v))), Buffer.concat([utf8(enc(fields[i]![0]) + '='), frag])]),
  }));
  return fc.oneof({ arbitrary: field, weight: 5 }, { arbitrary: duplicate, weight: 1 });
}

/** Spoilers of the whole body: they know nothing of its format. */
function wholeBodyCases(valid: Buffer): fc.Arbitrary<RawCase> {
  const BOM = bytes(0xef, 0xbb, 0xbf);
  return fc.oneof(
    fc.constantFrom<RawCase>(
      { label: 'bom', bytes: Buffer.concat([BOM, valid]) },
      { label: 'bom twice', bytes: Buffer.concat([BOM, BOM, valid]) },
      { label: 'bom after whitespace', bytes: Buffer.concat([utf8(' '), BOM, valid]) },
      { label: 'bom only', bytes: BOM },
      { label: 'utf-16 be bom (FE FF)', bytes: Buffer.concat([bytes(0xfe, 0xff), valid]) },
      { label: 'utf-16 le bom (FF FE)', bytes: Buffer.concat([bytes(0xff, 0xfe), valid]) },
      { label: 'utf-16le body', bytes: Buffer.from(valid.toString('utf8'), 'utf16le') },
    ),
    fc.nat({ max: valid.length - 1 }).map((n): RawCase => ({ label: `truncated at byte #${n} of ${valid.length}`, bytes: valid.subarray(0, n) })),
    truncatedChar.map(([name, seq]): RawCase => ({ label: `truncated character at end (${name})`, bytes: Buffer.concat([valid, seq]) })),
    fc.tuple(fc.nat({ max: valid.length - 1 }), invalidSeq, fc.boolean()).map(([at, [name, seq], insert]): RawCase => ({
      label: `${insert ? 'inserted' : 'replaced'} byte #${at} by ${name}`,
      bytes: Buffer.concat([valid.subarray(0, at), seq, valid.subarray(insert ? at : at + 1)]),
    })),
    fc.uint8Array({ maxLength: 64 }).map((b): RawCase => ({ label: 'random bytes', bytes: Buffer.from(b) })),
  );
}

/**
 * A target's valid body with the value at `path` replaced by `fragment`, as raw bytes (a
 * JSON value, or for a form body the field's raw value: `path` is then the field name).
 */
export function withFragment(target: FuzzTarget, path: Path, fragment: Buffer): Buffer {
  const base = baseBody(target);
  if (base.format === 'json') return splice(serialize(replaceAt(base.value, path, () => HOLE), false), HOLE, fragment);
  const parts = base.fields.map(([k, v]) => (k === path[0] ? Buffer.concat([utf8(encodeURIComponent(k) + '='), fragment]) : utf8(encodeURIComponent(k) + '=' + encodeURIComponent(v))));
  return Buffer.concat(parts.flatMap((p, i) => (i ? [utf8('&'), p] : [p])));
}

/** Every position of a value in a target's base body (JSON paths; a form body's field names). */
export function fieldPositions(target: FuzzTarget): Path[] {
  const base = baseBody(target);
  return base.format === 'json' ? positions(base.value) : base.fields.map(([k]) => [k]);
}

/** The first string member of a target's base body (a JSON path, or a form field name). */
export function firstStringField(target: FuzzTarget): string {
  const base = baseBody(target);
  if (base.format === 'form') return (base.fields.find(([k]) => k === 'username' || k === 'token') ?? base.fields[0]!)[0];
  return Object.entries(base.value).find(([, v]) => typeof v === 'string')![0];
}

/** Raw bodies for one target: field-position spoilers on its valid body, and whole-body ones. */
export function rawBodies(target: FuzzTarget): fc.Arbitrary<RawCase> {
  const base = baseBody(target);
  const positional = base.format === 'json' ? jsonCases(base.value) : formCases(base.fields);
  return fc.oneof({ arbitrary: positional, weight: 3 }, { arbitrary: wholeBodyCases(validBytes(target)), weight: 2 });
}

// ---- judging a case -------------------------------------------------------------------

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF, nothing cut). */
export function isUtf8(b: Uint8Array): boolean {
  try {
    strict.decode(b);
    return true;
  } catch {
    return false;
  }
}

/** Did the body itself hold U+FFFD, as the encoded character (EF BF BD) or a JSON or percent escape? */
export function holdsReplacementCharacter(b: Buffer): boolean {
  const latin = b.toString('latin1');
  return latin.includes('\xef\xbf\xbd') || /\\u[fF][fF][fF][dD]|%EF%BF%BD/i.test(latin);
}

/** Did the body hold NUL (raw, or as a JSON or percent escape)? */
export function holdsNul(b: Buffer): boolean {
  return b.includes(0) || /\\u0000|%00/i.test(b.toString('latin1'));
}

export const countReplacements = (s: string) => s.split('\uFFFD').length - 1;

/** A short hex dump for failure messages: the first and last bytes of long bodies. */
export function hex(b: Buffer, max = 96): string {
  const h = b.toString('hex').replace(/(..)/g, '$1 ').trim();
  if (b.length <= max) return h;
  return `${b.subarray(0, max / 2).toString('hex').replace(/(..)/g, '$1 ')}… (${b.length} bytes) …${b.subarray(b.length - max / 2).toString('hex').replace(/(..)/g, ' $1')}`;
}
