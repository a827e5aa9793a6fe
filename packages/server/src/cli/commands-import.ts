import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ImportFormat } from '../service/import/index.ts';
import { withApp } from './app.ts';
import { defineCommand, UsageError } from './command.ts';

const FORMATS: readonly ImportFormat[] = ['csv', 'jsonl'];
/** Without a terminal, one progress line per this many rows. */
const LINE_EVERY = 5000;

function formatOf(file: string, given: string | undefined): ImportFormat {
  if (given !== undefined) {
    if (!(FORMATS as readonly string[]).includes(given)) throw new UsageError('--format must be csv or jsonl');
    return given as ImportFormat;
  }
  if (file === '-') throw new UsageError('reading standard input (-) needs --format csv|jsonl');
  const ext = /\.(csv|jsonl)$/i.exec(file)?.[1]?.toLowerCase();
  if (!ext) throw new UsageError(`cannot tell the format of "${file}" from its name: give --format csv|jsonl`);
  return ext as ImportFormat;
}

/**
 * Progress on stderr: a bar on a terminal (by bytes read, when the size is known), a line
 * every 5 000 rows otherwise, so a log stays short.
 */
function progress(size: number | undefined) {
  const out = process.stderr;
  const started = Date.now();
  let bytes = 0;
  let rows = 0;
  let drawn = 0;
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  const draw = () => {
    const share = size ? Math.min(1, bytes / size) : undefined;
    const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${Math.floor(share * 100)} % `;
    out.write(`\rimporting ${bar}${rows} rows, ${seconds()} s`);
  };
  return {
    async *count(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const chunk of input) {
        bytes += chunk.length;
        yield chunk;
      }
    },
    row(n: number) {
      rows = n;
      if (!out.isTTY) {
        if (n % LINE_EVERY === 0) out.write(`import: ${n} rows read, ${seconds()} s\n`);
      } else if (Date.now() - drawn > 100) {
        drawn = Date.now();
        draw();
      }
    },
    done() {
      if (out.isTTY) {
        draw();
        out.write('\n');
      } else if (rows % LINE_EVERY !== 0) out.write(`import: ${rows} rows read, ${seconds()} s\n`);
    },
  };
}

/** `profiled import`: members from a CSV or JSON Lines file (issue 19). */
export const importCommands = [
  defineCommand({
    path: ['import'],
    summary: 'import members from a CSV or JSON Lines file',
    description: [
      'Columns (CSV header) or keys (JSONL) are canonical field names (docs/fields.md), plus email, username and password_hash;',
      'CSV lists are comma-separated in one quoted cell, an empty cell leaves the field as it is. Rows match accounts by email, then username:',
      'a match is updated, an unchanged row writes nothing, anything else is created. password_hash takes argon2id/argon2i, bcrypt',
      '($2a$/$2b$/$2y$) and Django pbkdf2_sha256 hashes, replaced by argon2id at the first sign-in. Prints',
      '{"created", "updated", "unchanged", "failed": [{"line", "errors": [{"field", "code", "message"}]}]}; exit 1 when a row failed.',
      'Progress goes to stderr. See README.md, "Bulk import", and docs/import-sample.csv.',
    ].join('\n'),
    options: {
      org: { type: 'string', value: 'S', required: true, help: 'the slug of the org the members belong to' },
      format: { type: 'string', value: 'csv|jsonl', required: 'conditional', help: 'the file format (default: from the file name; needed for -)' },
      atomic: { type: 'boolean', help: 'all or nothing: one transaction, rolled back if any row fails' },
      'dry-run': { type: 'boolean', help: 'validate and match every row, write nothing' },
      invite: { type: 'boolean', help: 'mail an invitation to every created account that has no password_hash' },
    },
    operand: { value: 'FILE', help: 'a .csv or .jsonl file, or - for standard input' },
    async run(o, [file]) {
      const format = formatOf(file!, o.format);
      const size = file === '-' ? undefined : await stat(file!).then((s) => s.size, (err: Error) => Promise.reject(new Error(`cannot read ${file}: ${err.message}`)));
      const meter = progress(size);
      const input = meter.count(file === '-' ? process.stdin : createReadStream(file!));
      const summary = await withApp((app) =>
        app.services.imports.run(input, {
          org: o.org,
          format,
          atomic: o.atomic,
          dryRun: o['dry-run'],
          onProgress: meter.row,
          ...(o.invite ? { invite: (account: { email: string }) => app.services.invitations.resend(account.email) } : {}),
        }),
      );
      meter.done();
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      if (summary.failed.length > 0) throw new Error(`${summary.failed.length} row(s) failed; see "failed" above${o.atomic && !o['dry-run'] ? ' (--atomic: nothing was imported)' : ''}`);
      return undefined;
    },
  }),
];
