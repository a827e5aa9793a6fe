import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

/**
 * The rows of an import file, read as a stream: one item at a time, whatever the file's size.
 * CSV starts with its header (`columns`); a JSONL line is one object. A row that cannot be
 * read is `unreadable` with its line; `fatal` when the rest of the file cannot be read either
 * (a CSV quote left open, bytes that are not UTF-8), and reading stops there.
 */
export type SourceItem =
  | { readonly kind: 'columns'; readonly line: number; readonly columns: readonly string[] }
  /** `cells`: the values are CSV text, still to be turned into the fields' types. */
  | { readonly kind: 'row'; readonly line: number; readonly values: Readonly<Record<string, unknown>>; readonly cells: boolean }
  | { readonly kind: 'unreadable'; readonly line: number; readonly message: string; readonly fatal: boolean };

export type ImportFormat = 'csv' | 'jsonl';

/** The longest row read: far above any valid one (two 16 KiB JSON fields, a 10 000-character bio…), and memory stays bounded. */
const MAX_ROW_CHARS = 1 << 20;

class UnreadableInput extends Error {
  constructor(
    message: string,
    readonly lines: number,
  ) {
    super(message);
  }
}

const newlines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/** Decodes UTF-8 strictly: a file that is not UTF-8 stops the import rather than store U+FFFD in place of what was sent. */
async function* utf8(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new UnreadableInput(`The file is not valid UTF-8 (on or after line ${line}); nothing after that was read.`, line);
    }
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decode(chunk);
    line += newlines(text);
    if (text) yield text;
  }
  const rest = decode();
  if (rest) yield rest;
}

/** CSV: a header row of field names, then one record per member; quoted cells may hold commas and newlines. */
export async function* readCsv(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<SourceItem> {
  const parser = parse({ info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_ROW_CHARS });
  const source = Readable.from(utf8(input));
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  let columns: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is where the record ends; a quoted cell may have spanned several.
      const line = info.lines - record.reduce((n, cell) => n + newlines(cell), 0);
      if (!columns) {
        columns = record.map((c) => c.trim());
        yield { kind: 'columns', line, columns };
        continue;
      }
      if (record.length !== columns.length) {
        yield { kind: 'unreadable', line, message: `The row has ${record.length} cells; the header has ${columns.length}.`, fatal: false };
        continue;
      }
      const values: Record<string, unknown> = Object.create(null);
      // An empty cell gives no value: the field is left as it is (or at its default on a new member).
      for (let i = 0; i < columns.length; i++) if (record[i] !== '') values[columns[i]!] = record[i];
      yield { kind: 'row', line, values, cells: true };
    }
  } catch (err) {
    const at = (err as { lines?: number }).lines ?? 0;
    const message = err instanceof UnreadableInput ? err.message : `${(err as Error).message.replace(/\s+/g, ' ').slice(0, 300)}; nothing after it was read.`;
    yield { kind: 'unreadable', line: at, message, fatal: true };
  } finally {
    source.destroy();
  }
}

/** Lines of text, each at most `max` characters; a longer one comes as null (and is never held whole). */
async function* lines(chunks: AsyncIterable<string>, max: number): AsyncGenerator<string | null> {
  let buffered = '';
  let over = false;
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      yield over || buffered.length + piece.length > max ? null : buffered + piece;
      buffered = '';
      over = false;
      start = nl + 1;
    }
    const rest = chunk.slice(start);
    if (over) continue;
    if (buffered.length + rest.length > max) [buffered, over] = ['', true];
    else buffered += rest;
  }
  if (over || buffered !== '') yield over ? null : buffered;
}

/** JSON Lines: one JSON object per line, the fields' values as the API takes them (lists as arrays). */
export async function* readJsonl(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<SourceItem> {
  let line = 0;
  try {
    for await (const text of lines(utf8(input), MAX_ROW_CHARS)) {
      line++;
      if (text === null) {
        yield { kind: 'unreadable', line, message: `The line is longer than ${MAX_ROW_CHARS} characters.`, fatal: false };
        continue;
      }
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        yield { kind: 'unreadable', line, message: 'The line is not valid JSON.', fatal: false };
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        yield { kind: 'unreadable', line, message: 'The line is not a JSON object.', fatal: false };
        continue;
      }
      const values: Record<string, unknown> = Object.create(null);
      for (const [k, v] of Object.entries(value)) values[k] = v;
      yield { kind: 'row', line, values, cells: false };
    }
  } catch (err) {
    if (!(err instanceof UnreadableInput)) throw err;
    yield { kind: 'unreadable', line: err.lines, message: err.message, fatal: true };
  }
}

/** The reader for a format. */
export function readRows(format: ImportFormat, input: AsyncIterable<Uint8Array | string>): AsyncGenerator<SourceItem> {
  return format === 'csv' ? readCsv(input) : readJsonl(input);
}
