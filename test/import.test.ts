import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hash as argon2 } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { backends } from './support/backends.ts';
import { runCli } from './support/process.ts';
import { startServer, type TestServer } from './support/server.ts';

/**
 * Issue 19, point 3: `profiled import` brings members in from a CSV or JSON Lines file, each
 * row validated like a profile write, matched by email then username, and their passwords
 * kept as the hashes another system exported until the first sign-in replaces them.
 */
const root = new URL('..', import.meta.url).pathname;
const OWN_ARGON2 = '$argon2id$v=19$m=19456,t=2,p=1$';
const dir = mkdtempSync(join(tmpdir(), 'profiled-import-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Each format another system exports, for one password each. */
async function foreignHashes() {
  const pw = (n: string) => `Imported-Secret-${n}-93`;
  const bcryptOf = (p: string, prefix: string) => bcrypt.hashSync(p, 4).replace(/^\$2b\$/, prefix);
  const salt = randomBytes(9).toString('hex');
  return [
    // Not our parameters, so replaced at sign-in like the others.
    { who: 'argon2id', password: pw('a'), hash: await argon2(pw('a'), { algorithm: 2, memoryCost: 8192, timeCost: 1, parallelism: 1 }) },
    { who: 'argon2i', password: pw('b'), hash: await argon2(pw('b'), { algorithm: 1, memoryCost: 8192, timeCost: 2, parallelism: 1 }) },
    { who: 'bcrypt2a', password: pw('c'), hash: bcryptOf(pw('c'), '$2a$') },
    { who: 'bcrypt2b', password: pw('d'), hash: bcryptOf(pw('d'), '$2b$') },
    { who: 'bcrypt2y', password: pw('e'), hash: bcryptOf(pw('e'), '$2y$') },
    { who: 'django', password: pw('f'), hash: `pbkdf2_sha256$1000$${salt}$${pbkdf2Sync(pw('f'), salt, 1000, 32, 'sha256').toString('base64')}` },
  ];
}

/** The CLI with a file on standard input. */
async function runCliWithInput(args: string[], env: Record<string, string>, input: string) {
  const child = spawn(process.execPath, [`${root}packages/server/bin/profiled.js`, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input);
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr };
}

type Summary = { created: number; updated: number; unchanged: number; failed: { line: number; errors: { field: string | null; code: string; message: string }[] }[] };
const summaryOf = (stdout: string) => JSON.parse(stdout) as Summary;
const codesAt = (s: Summary, line: number) => s.failed.find((f) => f.line === line)?.errors.map((e) => `${e.field}:${e.code}`).sort();

for (const backend of backends) {
  describe(`profiled import (${backend.name})`, () => {
    let server: TestServer;
    let env: Record<string, string>;
    let hashes: Awaited<ReturnType<typeof foreignHashes>>;
    let membersCsv: string;
    const tag = backend.name;
    const email = (who: string) => `${who}.${tag}@import.example`;
    const grant = (username: string, password: string) =>
      server.request('POST', '/oauth/token', { raw: new URLSearchParams({ grant_type: 'password', username, password }).toString(), contentType: 'application/x-www-form-urlencoded' });
    const account = async (login: string) => server.app.storage.repos.findAccountByLogin(login);

    before(async () => {
      server = await startServer(backend);
      env = { DATABASE_URL: server.databaseUrl };
      hashes = await foreignHashes();
      const rows = hashes.map((h, i) => `${email(h.who)},${h.who}_${tag},Ada${i} Lovelace${tag},Ada,Lovelace,"engines, poetry",true,Analyst,,"${h.hash}"`);
      membersCsv = file(
        `members-${tag}.csv`,
        [
          'email,username,display_name,given_name,family_name,tags,is_public,position,summary,password_hash',
          ...rows, // lines 2-7
          `bad1.${tag}@import.example,bad1_${tag},Bad One,,,,maybe,,,md5$not-a-known-format`, // line 8
          `not-an-email,bad2_${tag},Bad Two,,,,,,,`, // line 9
          `multi.${tag}@import.example,multi_${tag},Multi Line,,,,false,,"First line,`, // lines 10-11: one record
          `second line",`,
          `long.${tag}@import.example,long_${tag},Long,${'x'.repeat(201)},,,,,,`, // line 12
          `nohash.${tag}@import.example,,No Hash,,,,,,,`, // line 13
          '',
        ].join('\n'),
      );
    });
    after(async () => {
      await server.close();
    });

    it('imports the good rows and reports each bad one by its line with its field errors; exit 1', async () => {
      const res = await runCli(['import', '--org', 'default', membersCsv], env);
      assert.equal(res.code, 1, res.stderr);
      const s = summaryOf(res.stdout);
      assert.deepEqual([s.created, s.updated, s.unchanged], [8, 0, 0]);
      assert.deepEqual(s.failed.map((f) => f.line), [8, 9, 12]);
      assert.deepEqual(codesAt(s, 8), ['is_public:profile.invalid_type', 'password_hash:import.unsupported_hash']);
      assert.deepEqual(codesAt(s, 9), ['email:profile.invalid_email']);
      assert.deepEqual(codesAt(s, 12), ['given_name:profile.too_long']);
      assert.ok(!res.stdout.includes('md5$not-a-known-format'), 'no hash is echoed');
      assert.match(res.stderr, /3 row\(s\) failed/);
      const multi = await server.app.storage.repos.findProfileOf((await account(`multi_${tag}`))!.id, (await account(`multi_${tag}`))!.default_org_id);
      assert.equal(multi?.values['summary'], 'First line,\nsecond line');
      assert.equal(await account(`bad1_${tag}`), undefined, 'a bad row writes nothing');
      const nohash = await account(`nohash.${tag}@import.example`);
      assert.equal(nohash?.username, `nohash.${tag}@import.example`, 'the username defaults to the email');
      assert.equal(nohash?.password_hash, null, 'a row without a hash gets no password');
    });

    it('each imported hash format signs in with its original password, and is replaced by our argon2id', async () => {
      for (const h of hashes) {
        assert.equal((await account(email(h.who)))?.password_hash, h.hash, `${h.who} is stored as given`);
        assert.equal((await grant(email(h.who), `${h.password}x`)).status, 400, `${h.who}: a wrong password`);
        const res = await grant(`${h.who}_${tag}`, h.password);
        assert.equal(res.status, 200, `${h.who}: ${res.text}`);
        const upgraded = (await server.app.storage.repos.findAccount((await account(email(h.who)))!.id))!.password_hash!;
        assert.ok(upgraded.startsWith(OWN_ARGON2), `${h.who} upgraded: ${upgraded.slice(0, 32)}`);
        assert.equal((await grant(email(h.who), h.password)).status, 200, `${h.who} signs in with the new hash`);
      }
    });

    it('puts public imported profiles in the directory at once', async () => {
      const { access_token } = await server.login(email('bcrypt2b'), hashes[3]!.password);
      const res = await server.request('GET', `/v1/directory?q=Lovelace${tag}`, { token: access_token });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.profiles.length, 6, 'the six public members, found by their name through the search index');
    });

    it('a second import of the same file changes nothing: every good row unchanged, no version, no event, the upgraded hash kept', async () => {
      const id = (await account(email('django')))!.id;
      const before = await server.app.storage.repos.findProfileOf(id, (await account(email('django')))!.default_org_id);
      const res = await runCli(['import', '--org', 'default', membersCsv], env);
      const s = summaryOf(res.stdout);
      assert.deepEqual([s.created, s.updated, s.unchanged], [0, 0, 8]);
      assert.deepEqual(s.failed.map((f) => f.line), [8, 9, 12]);
      const after = await server.app.storage.repos.findProfileOf(id, before!.org_id);
      assert.equal(after!.version, before!.version);
      assert.equal((await server.app.storage.repos.listEvents(before!.id, { limit: 10 })).length, 1, 'only profile.created');
      assert.ok((await server.app.storage.repos.findAccount(id))!.password_hash!.startsWith(OWN_ARGON2), 'an existing password is never replaced by an import');
    });

    it('a changed row updates the matched account (by email, then username): one new version and one profile.imported event', async () => {
      const path = file(`changed-${tag}.csv`, `email,username,position,tags\n${email('argon2i')},,Senior Analyst,"engines, poetry"\nrenamed.${tag}@import.example,bcrypt2a_${tag},Analyst,\n`);
      const res = await runCli(['import', '--org', 'default', path], env);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(summaryOf(res.stdout), { created: 0, updated: 2, unchanged: 0, failed: [] });
      const byEmail = (await account(email('argon2i')))!;
      const profile = (await server.app.storage.repos.findProfileOf(byEmail.id, byEmail.default_org_id))!;
      assert.equal(profile.values['position'], 'Senior Analyst');
      assert.equal(profile.version, 2);
      const [event] = await server.app.storage.repos.listEvents(profile.id, { limit: 1 });
      assert.equal(event!.kind, 'profile.imported');
      assert.deepEqual(event!.changes.map((c) => c.field), ['position']);
      const byUsername = (await account(`bcrypt2a_${tag}`))!;
      assert.equal(byUsername.email, `renamed.${tag}@import.example`, 'matched by username, its email changed');
    });

    it('--atomic with one bad row imports nothing', async () => {
      const path = file(`atomic-${tag}.csv`, `email,display_name\natomic1.${tag}@import.example,One\natomic2.${tag}@import.example,Two\nnot-an-email,Three\natomic4.${tag}@import.example,Four\n`);
      const res = await runCli(['import', '--org', 'default', '--atomic', path], env);
      assert.equal(res.code, 1);
      const s = summaryOf(res.stdout);
      assert.deepEqual([s.created, s.updated, s.unchanged, s.failed.map((f) => f.line)], [0, 0, 0, [4]]);
      assert.match(res.stderr, /nothing was imported/);
      for (const n of [1, 2, 4]) assert.equal(await account(`atomic${n}.${tag}@import.example`), undefined);
      const good = await runCli(['import', '--org', 'default', '--atomic', file(`atomic-ok-${tag}.csv`, `email\natomic1.${tag}@import.example\natomic2.${tag}@import.example\n`)], env);
      assert.deepEqual(summaryOf(good.stdout), { created: 2, updated: 0, unchanged: 0, failed: [] });
    });

    it('--dry-run validates and counts, and writes nothing', async () => {
      const res = await runCli(['import', '--org', 'default', '--dry-run', file(`dry-${tag}.csv`, `email,display_name\ndry.${tag}@import.example,Dry\n${email('django')},Ada5 Lovelace${tag}\n`)], env);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(summaryOf(res.stdout), { created: 1, updated: 0, unchanged: 1, failed: [] });
      assert.equal(await account(`dry.${tag}@import.example`), undefined);
    });

    it('reads JSON Lines from standard input (- --format jsonl): lists as arrays, a bad line reported by its number', async () => {
      const lines = [
        JSON.stringify({ email: `jsonl1.${tag}@import.example`, display_name: 'Jay Son', tags: ['rust', 'go'], is_public: true, company_info: { size: 12 } }),
        '',
        '{"email": "broken',
        JSON.stringify({ email: `jsonl2.${tag}@import.example`, followers_count: 3, nonsense: 1 }),
        JSON.stringify({ email: `jsonl3.${tag}@import.example`, kind: 'admin' }),
      ].join('\n');
      const res = await runCliWithInput(['import', '--org', 'default', '--format', 'jsonl', '-'], env, lines);
      assert.equal(res.code, 1);
      const s = summaryOf(res.stdout);
      assert.equal(s.created, 1);
      assert.deepEqual(s.failed.map((f) => f.line), [3, 4, 5]);
      assert.deepEqual(codesAt(s, 3), ['null:import.malformed_row']);
      assert.deepEqual(codesAt(s, 4), ['followers_count:profile.field_not_writable', 'nonsense:profile.field_unknown']);
      assert.deepEqual(codesAt(s, 5), ['kind:profile.field_not_writable']);
      const jay = (await account(`jsonl1.${tag}@import.example`))!;
      const profile = (await server.app.storage.repos.findProfileOf(jay.id, jay.default_org_id))!;
      assert.deepEqual([profile.values['tags'], profile.values['company_info']], [['rust', 'go'], { size: 12 }]);
      const stdinCsv = await runCliWithInput(['import', '--org', 'default', '--format', 'csv', '-'], env, `email,tags\njsonl1.${tag}@import.example,"rust, go"\n`);
      assert.deepEqual(summaryOf(stdinCsv.stdout), { created: 0, updated: 0, unchanged: 1, failed: [] }, 'CSV on standard input, the same values as the JSON');
    });

    it('a header naming a column that is no importable field stops before any row', async () => {
      const res = await runCli(['import', '--org', 'default', file(`header-${tag}.csv`, `email,followers_count,bogus\nh.${tag}@import.example,1,2\n`)], env);
      assert.equal(res.code, 1);
      const s = summaryOf(res.stdout);
      assert.deepEqual(codesAt(s, 1), ['bogus:profile.field_unknown', 'followers_count:profile.field_not_writable']);
      assert.equal(s.created, 0);
    });

    it('--invite mails an invitation to each created account without a password hash', async () => {
      const path = file(`invite-${tag}.csv`, `email,password_hash\ninvitee.${tag}@import.example,\nhashed.${tag}@import.example,"${hashes[3]!.hash}"\n`);
      const res = await runCli(['import', '--org', 'default', '--invite', path], env);
      assert.equal(res.code, 0, res.stderr);
      const mails = (await server.app.storage.repos.listOutbox({ topic: 'mail', limit: 100 })).map((m) => m.payload as { to: string; kind: string });
      assert.ok(mails.some((m) => m.to === `invitee.${tag}@import.example` && m.kind === 'account.invitation'));
      assert.ok(!mails.some((m) => m.to === `hashed.${tag}@import.example`));
    });

    it('docs/import-sample.csv imports cleanly, and its members sign in with the passwords the README gives', async () => {
      const res = await runCli(['import', '--org', 'default', `${root}docs/import-sample.csv`], env);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.deepEqual(summaryOf(res.stdout), { created: 4, updated: 0, unchanged: 0, failed: [] });
      for (const [login, password] of [['ada', 'Sample-Password-Argon-2'], ['grace', 'Sample-Password-Bcrypt-1'], ['alan@example.com', 'Sample-Password-Django-3']] as const) {
        assert.equal((await grant(login, password)).status, 200, login);
      }
      assert.equal((await account('kjohnson'))?.password_hash, null);
    });

    // 100 000 rows on SQLite; 20 000 on PostgreSQL, whose inserts take longer here (see bench/README.md for 100 000).
    const big = backend.name === 'sqlite' ? 100_000 : 20_000;
    it(`imports ${big} rows under a 128 MB heap limit`, { timeout: 240_000 }, async () => {
      const path = join(dir, `big-${tag}.csv`);
      const out = createWriteStream(path);
      out.write('email,username,given_name,family_name,display_name,position,company_name,city,country,tags,is_public,summary\n');
      for (let i = 0; i < big; i++) {
        if (!out.write(`big${i}.${tag}@import.example,big${i}_${tag},Given${i},Family${i},Member ${i},Analyst,Company ${i % 500},Berlin,DE,"a, b, t${i % 50}",${i % 2 === 0},"Bio of member ${i}, who works on things."\n`)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      // The bin's wrapper, as operators run it, with a heap far below what the file's rows would take held at once.
      const child = spawn(`${root}packages/server/bin/profiled`, ['import', '--org', 'default', path], { env: { ...process.env, ...env, LOG_LEVEL: 'silent', PROFILED_HEAP_MB: '128' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0, stderr.slice(-2000));
      assert.deepEqual(summaryOf(stdout), { created: big, updated: 0, unchanged: 0, failed: [] });
      assert.equal(stderr.split('\n').filter((l) => /^import: \d+ rows read/.test(l)).length, big / 5000, 'a progress line per 5 000 rows');
    });
  });
}
