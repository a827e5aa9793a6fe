import { ProfiledError } from '@profiled/core';
import { ConfigError } from '../config/load.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';
import { commandHelp, groupHelp, topHelp } from './help.ts';
import { commands, groups } from './table.ts';

const isHelpFlag = (arg: string) => arg === '--help' || arg === '-h';
const isWord = (arg: string | undefined): arg is string => arg !== undefined && !arg.startsWith('-');
const under = (prefix: readonly string[]) => commands.filter((c) => prefix.every((word, i) => c.path[i] === word));

type Resolved = { readonly command: Command; readonly rest: readonly string[] } | { readonly group: readonly string[]; readonly rest: readonly string[] };

/**
 * Finds the command the leading words name (`webhook create …`), or, when they stop short
 * of one, the group they name so far (`webhook`, or `[]` for none) and what follows.
 */
function resolve(argv: readonly string[]): Resolved {
  let depth = 0;
  while (isWord(argv[depth]) && under(argv.slice(0, depth + 1)).length > 0) {
    depth++;
    const path = argv.slice(0, depth);
    const command = commands.find((c) => c.path.length === depth && path.every((word, i) => c.path[i] === word));
    if (command) return { command, rest: argv.slice(depth) };
  }
  return { group: argv.slice(0, depth), rest: argv.slice(depth) };
}

/** The help `profiled help <words…>` or `<words…> --help` asks for. */
function helpFor(resolved: Resolved): string {
  if ('command' in resolved) return commandHelp(resolved.command);
  const { group, rest } = resolved;
  if (isWord(rest[0])) throw new UsageError(`unknown command "${[...group, rest[0]].join(' ')}"`);
  return group.length === 0 ? topHelp(commands) : groupHelp(group, groups[group.join(' ')], under(group));
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/**
 * The `profiled` command line: JSON on stdout; on bad arguments one line on stderr and exit
 * code 2; on a refused operation (taken username, weak password…) its message and exit code 1.
 * `--help` (or `-h`) at any level prints that level's usage and exits 0, opening nothing.
 * @see README.md, "Command line"
 */
export async function main(argv: string[]): Promise<number> {
  // Where a usage error points: the help of the command or group it is about.
  let helpHint = 'profiled --help';
  try {
    if (argv.length === 0) {
      process.stdout.write(topHelp(commands));
      throw new UsageError('missing command');
    }
    if (argv[0] === 'help') {
      process.stdout.write(helpFor(resolve(argv.slice(1))));
      return 0;
    }
    const resolved = resolve(argv);
    const named = 'command' in resolved ? resolved.command.path : resolved.group;
    if (named.length > 0) helpHint = `profiled ${named.join(' ')} --help`;
    if (resolved.rest.some(isHelpFlag)) {
      process.stdout.write(helpFor(resolved));
      return 0;
    }
    if (!('command' in resolved)) {
      const { group, rest } = resolved;
      if (group.length === 0 || isWord(rest[0])) throw new UsageError(`unknown command "${[...group, ...rest.slice(0, 1)].join(' ')}"`);
      const subcommands = under(group).map((c) => c.path[group.length]);
      throw new UsageError(`"${group.join(' ')}" needs a subcommand: ${subcommands.join(', ')}`);
    }
    const { values, operands } = parseCommandArgs(resolved.command, resolved.rest);
    const result = await resolved.command.run(values, operands);
    if (result !== undefined) print(result);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`profiled: ${err.message} (see ${helpHint})\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`profiled: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ProfiledError) {
      const detail = err.issues.length ? err.issues.map((i) => `${i.field}: ${i.message}`).join('; ') : err.message;
      process.stderr.write(`profiled: ${detail} [${err.code}]\n`);
      return 1;
    }
    process.stderr.write(`profiled: ${(err as Error).message}\n`);
    return 1;
  }
}
