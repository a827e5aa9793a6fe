import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRegistry, parseChanges, registry } from '@profiled/core';

const reg = compileRegistry(registry);
const parse = (input: Record<string, unknown>) => parseChanges(reg, input, { writers: ['self'], today: '2026-01-15' });
const issueCodes = (input: Record<string, unknown>) => {
  const r = parse(input);
  assert.equal(r.ok, false, `expected ${JSON.stringify(input)} to be refused`);
  return r.ok ? [] : r.issues.map((i) => `${i.field}:${i.code}`);
};
const accepted = (input: Record<string, unknown>) => {
  const r = parse(input);
  assert.equal(r.ok, true, `expected ${JSON.stringify(input)} to be accepted: ${JSON.stringify(r)}`);
  return r.ok ? r.changes : {};
};

describe('registry walker: every validation rule class', () => {
  it('unknown field → profile.field_unknown', () => assert.deepEqual(issueCodes({ nope: 1 }), ['nope:profile.field_unknown']));
  it('read-only (admin) and computed fields → profile.field_not_writable', () => {
    assert.deepEqual(issueCodes({ kind: 'admin', followers_count: 3, version: 9, id: 'x', top_domain_rank: 1 }), [
      'kind:profile.field_not_writable',
      'followers_count:profile.field_not_writable',
      'version:profile.field_not_writable',
      'id:profile.field_not_writable',
      'top_domain_rank:profile.field_not_writable',
    ]);
  });
  it('JSON fields hold only what can be stored exactly: NUL, unpaired surrogates and integers JSON.parse rounded are refused', () => {
    assert.deepEqual(issueCodes({ company_info: { name: 'a\u0000b' } }), ['company_info:profile.invalid_characters']);
    assert.deepEqual(issueCodes({ additional_data: ['\ud800'] }), ['additional_data:profile.invalid_characters']);
    assert.deepEqual(issueCodes({ company_info: { ['k\u0000']: 1 } }), ['company_info:profile.invalid_characters']);
    assert.deepEqual(issueCodes({ company_info: JSON.parse('{"n": 123456789012345678901234567890}') }), ['company_info:profile.out_of_range']);
    assert.deepEqual(issueCodes({ company_info: JSON.parse('[9007199254740993]') }), ['company_info:profile.out_of_range']);
    assert.deepEqual(accepted({ company_info: { n: 9007199254740991, f: 1.5, s: '\ufffd ok 😀' } })['company_info'], Object.assign(Object.create(null), { n: 9007199254740991, f: 1.5, s: '\ufffd ok 😀' }));
  });
  it('null clears a nullable field; null on a non-nullable one → profile.field_not_nullable', () => {
    assert.deepEqual(accepted({ nickname: null, date_of_birth: null }), Object.assign(Object.create(null), { nickname: null, date_of_birth: null }));
    assert.deepEqual(issueCodes({ given_name: null, is_public: null }), ['given_name:profile.field_not_nullable', 'is_public:profile.field_not_nullable']);
  });
  it('wrong type → profile.invalid_type', () => {
    assert.deepEqual(issueCodes({ given_name: 5, is_public: 'yes', tags: 'a,b', skills: ['x'] }), [
      'given_name:profile.invalid_type',
      'is_public:profile.invalid_type',
      'tags:profile.invalid_type',
      'skills:profile.invalid_type',
    ]);
  });
  it('length limits count characters, not UTF-16 units', () => {
    assert.deepEqual(issueCodes({ given_name: 'x'.repeat(201) }), ['given_name:profile.too_long']);
    accepted({ given_name: '😀'.repeat(200) });
    assert.deepEqual(issueCodes({ username: '' }), ['username:profile.too_short']);
    assert.deepEqual(issueCodes({ summary: 'x'.repeat(10_001) }), ['summary:profile.too_long']);
  });
  it('control characters and lone surrogates → profile.invalid_characters; text keeps newlines', () => {
    assert.deepEqual(issueCodes({ given_name: 'a\u0000b', family_name: 'x\ny', city: '\ud800' }), [
      'given_name:profile.invalid_characters',
      'family_name:profile.invalid_characters',
      'city:profile.invalid_characters',
    ]);
    accepted({ summary: '# Hi\n\n- one\n- two\t' });
  });
  it('username pattern', () => {
    accepted({ username: 'ada.lovelace+1@x_y-z' });
    assert.deepEqual(issueCodes({ username: 'ada lovelace' }), ['username:profile.invalid_characters']);
  });
  it('enum', () => {
    accepted({ gender: 'diverse' });
    assert.deepEqual(issueCodes({ gender: 'GENDER_MALE' }), ['gender:profile.invalid_choice']);
  });
  it('email; a non-nullable email may be empty', () => {
    accepted({ email: 'ada@example.org', billing_email: '' });
    assert.deepEqual(issueCodes({ email: 'ada@', billing_email: 'not an email' }), ['email:profile.invalid_email', 'billing_email:profile.invalid_email']);
  });
  it('URLs must be absolute http(s); social fields also take handles', () => {
    accepted({ website: 'https://ada.example/about', twitter: '@ada', github: 'https://github.com/ada' });
    assert.deepEqual(issueCodes({ website: 'javascript:alert(1)', picture: 'ftp://x/y.png', linkedin: 'not a handle!' }), [
      'website:profile.invalid_url',
      'picture:profile.invalid_url',
      'linkedin:profile.invalid_url',
    ]);
  });
  it('dates: real calendar dates, in the past', () => {
    accepted({ date_of_birth: '1815-12-10' });
    assert.deepEqual(issueCodes({ date_of_birth: '1990-02-30' }), ['date_of_birth:profile.invalid_date']);
    assert.deepEqual(issueCodes({ date_of_birth: '2026-01-15' }), ['date_of_birth:profile.date_not_past']);
    assert.deepEqual(issueCodes({ date_of_birth: '15/06/1990' }), ['date_of_birth:profile.invalid_date']);
  });
  it('country: ISO 3166-1 alpha-2, normalised to upper case', () => {
    assert.equal(accepted({ country: 'de' })['country'], 'DE');
    assert.deepEqual(issueCodes({ country: 'XX', billing_country: 'Germany' }), ['country:profile.invalid_country', 'billing_country:profile.invalid_country']);
  });
  it('language: a well-formed BCP 47 tag, canonicalised', () => {
    assert.equal(accepted({ preferred_language: 'pt-br' })['preferred_language'], 'pt-BR');
    assert.deepEqual(issueCodes({ preferred_language: 'english!' }), ['preferred_language:profile.invalid_language']);
    assert.deepEqual(issueCodes({ preferred_language: 'de-DE-1996-x' }), ['preferred_language:profile.too_long']);
  });
  it('phone numbers: common formats, bounded', () => {
    accepted({ mobile_phone: '+44 (20) 7946-0958', landline: '030 1234567 ext. 12' });
    assert.deepEqual(issueCodes({ mobile_phone: 'call me maybe' }), ['mobile_phone:profile.invalid_phone']);
  });
  it('tag lists: trimmed, empty dropped, de-duplicated case-insensitively, order kept, bounded', () => {
    assert.deepEqual(accepted({ tags: [' Go', 'rust', 'go', '', 'Rust ', 'Zig'] })['tags'], ['Go', 'rust', 'Zig']);
    assert.deepEqual(issueCodes({ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }), ['tags:profile.too_many_items']);
    assert.deepEqual(issueCodes({ tags: ['x'.repeat(51)] }), ['tags:profile.too_long']);
  });
  it('free-form JSON: bounded in size and depth, copied without prototypes', () => {
    const value = accepted({ company_info: JSON.parse('{"name":"ACME","__proto__":{"polluted":true}}') })['company_info'] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), null);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    let deep: unknown = 1;
    for (let i = 0; i < 12; i++) deep = { d: deep };
    assert.deepEqual(issueCodes({ additional_data: deep }), ['additional_data:profile.json_too_large']);
    assert.deepEqual(issueCodes({ additional_data: { blob: 'x'.repeat(20_000) } }), ['additional_data:profile.json_too_large']);
  });
  it('reports every issue of a request at once', () => {
    assert.equal(issueCodes({ a: 1, b: 2, given_name: null, gender: 'x' }).length, 4);
  });
  it('changes land in a null-prototype object', () => {
    assert.equal(Object.getPrototypeOf(accepted({ given_name: 'Ada' })), null);
  });
});

describe('registry: declarations', () => {
  it('every field has a description, a section and a sane default', () => {
    for (const f of registry) {
      assert.ok(f.description.length >= 4, `${f.name} needs a description`);
      if (!f.nullable && f.writer !== 'computed') assert.notEqual(f.default, null, `${f.name} needs a default`);
    }
  });
  it('declares every canonical field of design.md', () => {
    const names = new Set(registry.map((f) => f.name));
    const expected = 'username email kind given_name family_name display_name nickname gender date_of_birth preferred_language mobile_phone landline street post_code city state country billing_name billing_email billing_street billing_post_code billing_city billing_state billing_country tax_id position company_name business_area summary website is_public tags twitter linkedin github instagram facebook skype telegram portfolio picture resume member_type skills investment_interests technical_interests company_info additional_data notify_help_desk notify_wall_post notify_blog_comment notify_event_comment community_digest newsletter contact_by_phone contact_by_email platform_feature_emails activity_emails followers_count following_count top_domain_elo top_domain_rank streak highest_streak streak_freeze_days title unlocked_titles is_following is_followed_back is_current_user'.split(' ');
    for (const name of expected) assert.ok(names.has(name), `registry lacks ${name}`);
  });
  it('refuses a duplicate declaration', () => {
    assert.throws(() => compileRegistry([...registry, registry[10]!]), /declared twice/);
  });
});
