import type { Command, OptionSpec } from './command.ts';

const SUMMARY_COLUMN = 42;

function optionUsage(name: string, o: OptionSpec): string {
  const flag = o.type === 'boolean' ? `--${name}` : `--${name} ${o.value}`;
  if (o.type === 'string' && o.multiple) return o.required ? `${flag} [${flag}…]` : `[${flag}…]`;
  return o.type === 'string' && o.required ? flag : `[${flag}]`;
}

/** `webhook create --url U [--event E…]`: the command's words, then its options as its parser takes them. */
export function usageOf(command: Command): string {
  const parts = [...command.path, ...Object.entries(command.options).map(([name, o]) => optionUsage(name, o))];
  if (command.operand) parts.push(command.operand.optional ? `[${command.operand.value}]` : command.operand.value);
  return parts.join(' ');
}

/**
 * One line per command, its summary beside it or, for a long usage, on the next line. Only
 * command lines start with exactly two spaces, so a script can read the list back.
 */
function listing(commands: readonly Command[]): string {
  return commands
    .map((c) => {
      const usage = `  ${usageOf(c)}`;
      return usage.length < SUMMARY_COLUMN - 1 ? `${usage.padEnd(SUMMARY_COLUMN)}${c.summary}` : `${usage}\n${' '.repeat(SUMMARY_COLUMN)}${c.summary}`;
    })
    .join('\n');
}

/** `profiled --help`: every command. */
export function topHelp(commands: readonly Command[]): string {
  return [
    'usage: profiled <command> [options]',
    '       profiled <command> --help             that command\'s usage and options',
    '',
    'JSON on stdout. Bad arguments: one line on stderr, exit code 2. A refused operation: one line naming the rule, exit code 1.',
    '',
    'commands:',
    listing(commands),
    '',
  ].join('\n');
}

/** `profiled webhook --help`: the usage of each subcommand of a group. */
export function groupHelp(path: readonly string[], description: string | undefined, commands: readonly Command[]): string {
  const name = path.join(' ');
  return [`usage: profiled ${name} <subcommand> [options]`, '', ...(description ? [description, ''] : []), 'subcommands:', listing(commands), '', `profiled ${name} <subcommand> --help prints its options.`, ''].join('\n');
}

/** `profiled webhook create --help`: its usage line, what it does, and each option. */
export function commandHelp(command: Command): string {
  const rows: [string, string][] = Object.entries(command.options).map(([name, o]) => [o.type === 'boolean' ? `--${name}` : `--${name} ${o.value}`, o.type === 'string' && o.multiple ? `${o.help} (repeatable)` : o.help]);
  if (command.operand) rows.push([command.operand.value, command.operand.help]);
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `usage: profiled ${usageOf(command)}`,
    '',
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.description ? [command.description] : []),
    '',
    'options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
  ].join('\n');
}
