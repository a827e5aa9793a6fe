import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './support/process.ts';

// A database the help must never open: the directory stays empty while every help is asked for.
const dir = mkdtempSync(join(tmpdir(), 'profiled-help-'));
const env = { DATABASE_URL: `sqlite:${join(dir, 'never.db')}`, MAIL_DIR: join(dir, 'mail'), SMS_DIR: join(dir, 'sms') };
after(() => rmSync(dir, { recursive: true, force: true }));

interface Listed {
  readonly path: readonly string[];
  /** The command's usage as the list shows it: `webhook create --url U [--event E…]`. */
  readonly usage: string;
}

/** The commands `profiled --help` lists: the lines after "commands:" that start with exactly two spaces. */
function listedCommands(help: string): Listed[] {
  const lines = help.split('\n');
  return lines
    .slice(lines.indexOf('commands:') + 1)
    .filter((line) => /^ {2}\S/.test(line))
    .map((line) => {
      const usage = line.trim().split(/\s{2,}/)[0]!;
      const words = usage.split(' ');
      const end = words.findIndex((w) => !/^[a-z][a-z-]*$/.test(w));
      return { path: end === -1 ? words : words.slice(0, end), usage };
    });
}

const oneLine = (text: string) => assert.equal(text.trim().split('\n').length, 1, `expected one line, got: ${text}`);
const noDatabase = () => assert.deepEqual(readdirSync(dir), [], 'help opened nothing');

const top = await runCli(['--help'], env);
const listed = listedCommands(top.stdout);
const groups = [...new Set(listed.filter((c) => c.path.length > 1).map((c) => c.path[0]!))];

describe('profiled --help lists every command, exit 0, nothing on stderr', () => {
  it('--help, -h and help print the same list of commands', async () => {
    assert.equal(top.code, 0, top.stderr);
    assert.equal(top.stderr, '');
    assert.match(top.stdout, /^usage: profiled <command>/);
    for (const args of [['-h'], ['help']]) {
      const res = await runCli(args, env);
      assert.deepEqual([res.code, res.stderr, res.stdout], [0, '', top.stdout], args.join(' '));
    }
    noDatabase();
  });

  it('the list holds the commands the operator interface documents', () => {
    const paths = listed.map((c) => c.path.join(' '));
    for (const documented of ['serve', 'migrate', 'org create', 'user create', 'apikey create', 'client create', 'mail list', 'purge', 'webhook create']) {
      assert.ok(paths.includes(documented), `${documented} is not listed`);
    }
    assert.equal(new Set(paths).size, paths.length, 'each command is listed once');
  });
});

describe('profiled <command> --help: that command\'s usage and options, exit 0, nothing on stderr, no database opened', { concurrency: availableParallelism() }, () => {
  for (const command of listed) {
    it(`profiled ${command.path.join(' ')} --help`, async () => {
      const res = await runCli([...command.path, '--help'], env);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stderr, '');
      assert.ok(res.stdout.startsWith(`usage: profiled ${command.usage}\n`), res.stdout);
      assert.match(res.stdout, /-h, --help/);
      // Every option in the usage line is explained below it.
      for (const option of command.usage.match(/--[a-z-]+/g) ?? []) assert.match(res.stdout, new RegExp(`^ {2}${option}\\b`, 'm'), `${option} is not explained`);
      noDatabase();
    });
  }

  for (const group of groups) {
    it(`profiled ${group} --help (and -h): the usage of each of its subcommands`, async () => {
      for (const flag of ['--help', '-h']) {
        const res = await runCli([group, flag], env);
        assert.equal(res.code, 0, res.stderr);
        assert.equal(res.stderr, '');
        assert.ok(res.stdout.startsWith(`usage: profiled ${group} <subcommand>`), res.stdout);
        for (const command of listed.filter((c) => c.path[0] === group)) assert.ok(res.stdout.includes(`  ${command.usage}`), `${command.usage} is missing from: ${res.stdout}`);
      }
      noDatabase();
    });
  }

  it('--help wins over the other arguments; profiled help <command> says the same', async () => {
    const flag = await runCli(['webhook', 'create', '--url', 'https://example.com/hook', '--help'], env);
    const word = await runCli(['help', 'webhook', 'create'], env);
    assert.equal(flag.code, 0, flag.stderr);
    assert.match(flag.stdout, /^usage: profiled webhook create --url U/);
    assert.deepEqual([word.code, word.stdout], [0, flag.stdout]);
    noDatabase();
  });

  for (const args of [['bogus'], ['bogus', '--help'], ['webhook'], ['webhook', 'bogus'], ['webhook', 'bogus', '--help'], ['help', 'bogus']]) {
    it(`profiled ${args.join(' ')} → exit 2, one line on stderr, nothing on stdout`, async () => {
      const res = await runCli(args, env);
      assert.equal(res.code, 2);
      oneLine(res.stderr);
      assert.equal(res.stdout, '');
    });
  }
});
