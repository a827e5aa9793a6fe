import { parseArgs } from 'node:util';

/** Bad arguments: the CLI prints one line on stderr and exits with code 2. */
export class UsageError extends Error {}

/** One `--option` of a command: how it is parsed, and how its usage line and help show it. */
export type OptionSpec =
  | { readonly type: 'boolean'; readonly help: string }
  | {
      readonly type: 'string';
      /** The value's placeholder in the usage line: `S`, `<id|email|username>`, `human|service|admin`. */
      readonly value: string;
      /**
       * `true`: refused when missing, before the command runs. `'conditional'`: shown as
       * required in the usage, but checked by the command, since it depends on other options.
       */
      readonly required?: true | 'conditional';
      /** May be given several times; the command gets every value, in order ([] when none). */
      readonly multiple?: boolean;
      readonly help: string;
    };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<O extends OptionSpec> = O extends { type: 'boolean' } ? boolean : O extends { multiple: true } ? string[] : O extends { required: true } ? string : string | undefined;

/** The parsed options as a command's `run` sees them, typed from its specs. */
export type OptionValues<S extends OptionSpecs> = { readonly [K in keyof S]: ValueOf<S[K]> };

/** A positional argument after the options (a file to read, say). */
export interface OperandSpec {
  readonly value: string;
  readonly help: string;
  readonly optional?: boolean;
}

/**
 * One `profiled` command: the table entry that dispatch, `--help` and the command list are
 * all derived from, so a command's usage can never drift from what it accepts.
 */
export interface Command {
  /** The words after `profiled`: `['serve']`, `['webhook', 'create']`. */
  readonly path: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** More for its own `--help`, after the summary: what it prints, what to know. */
  readonly description?: string;
  readonly options: OptionSpecs;
  readonly operand?: OperandSpec;
  /** Runs it with checked arguments; a result other than undefined is printed as JSON. */
  run(values: Readonly<Record<string, unknown>>, operands: readonly string[]): Promise<unknown>;
}

export interface CommandDefinition<S extends OptionSpecs> extends Omit<Command, 'options' | 'run'> {
  readonly options: S;
  run(values: OptionValues<S>, operands: readonly string[]): Promise<unknown>;
}

/** Declares a command; `run` gets its options typed from the specs. */
export function defineCommand<const S extends OptionSpecs>(definition: CommandDefinition<S>): Command {
  // The parser builds exactly OptionValues<S> from `options` (see parseCommandArgs).
  return definition as unknown as Command;
}

const missing = (v: unknown) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** Parses a command's arguments against its specs: unknown options, missing values and stray operands are UsageErrors. */
export function parseCommandArgs(command: Command, args: readonly string[]): { values: Record<string, unknown>; operands: string[] } {
  const specs = Object.entries(command.options);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(specs.map(([name, o]) => [name, o.type === 'boolean' ? { type: 'boolean' as const } : { type: 'string' as const, multiple: o.multiple === true }])),
      strict: true,
      allowPositionals: command.operand !== undefined,
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const values: Record<string, unknown> = Object.create(null);
  for (const [name, o] of specs) {
    const v = parsed.values[name];
    if (o.type === 'boolean') values[name] = v === true;
    else if (o.required === true && missing(v)) throw new UsageError(`missing --${name}`);
    else values[name] = o.multiple ? (v ?? []) : v;
  }
  const operands = parsed.positionals;
  if (command.operand && !command.operand.optional && operands.length === 0) throw new UsageError(`missing ${command.operand.value}`);
  if (operands.length > 1) throw new UsageError(`one ${command.operand!.value} only, got ${operands.length}`);
  return { values, operands };
}
