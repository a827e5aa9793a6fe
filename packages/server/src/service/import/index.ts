import { ProfiledError } from '@profiled/core';
import { today, type ServiceDeps } from '../types.ts';
import { applyBatch, type ApplyContext, type RowError, type RowOutcome } from './apply.ts';
import { columnIssues, prepareRow, type PreparedRow, type RowContext } from './rows.ts';
import { readRows, type ImportFormat } from './sources.ts';
import { loadVocabulary } from './vocabulary.ts';

export type { ImportFormat } from './sources.ts';

/** Rows per transaction: large enough to amortise a commit, small enough not to hold the database for long. */
const BATCH = 500;

export interface ImportOptions {
  /** The slug of the org whose members the rows are. */
  readonly org: string;
  readonly format: ImportFormat;
  /** All or nothing: one transaction, rolled back if any row fails. */
  readonly atomic?: boolean;
  /** Validate (and match) every row, write nothing. */
  readonly dryRun?: boolean;
  /** Told how many rows have been read so far, after each row. */
  readonly onProgress?: (rows: number) => void;
  /** Invites a created account that came without a password hash (`--invite`), once its row has committed. */
  readonly invite?: (account: { readonly accountId: string; readonly email: string; readonly org: string }) => Promise<unknown>;
}

export type { RowError as ImportError } from './apply.ts';

/** The outcome of an import: counts of rows, and each failed row with its line and errors. */
export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  failed: { readonly line: number; readonly errors: readonly RowError[] }[];
}

const ROLLBACK = Symbol('rollback');

/**
 * Bulk import of members (issue 19): rows of a CSV or JSON Lines stream, each validated as a
 * profile write by the registry walker and applied through the storage port, 500 to a
 * transaction. A bad row is reported with its line and does not stop the others (unless
 * `atomic`); importing the same file again changes nothing. No CLI or HTTP in here: the
 * caller hands in the byte stream and prints the summary.
 */
export function createImportService(deps: ServiceDeps) {
  const { storage, registry, clock } = deps;

  return {
    async run(input: AsyncIterable<Uint8Array | string>, opts: ImportOptions): Promise<ImportSummary> {
      const org = await storage.repos.findOrg({ slug: opts.org });
      if (!org) throw new ProfiledError('org.not_found', { message: `There is no organization "${opts.org}".` });
      const rowContext: RowContext = { registry, today: today(clock), vocabulary: await loadVocabulary(storage.repos, org.id) };
      const applyContext: ApplyContext = { registry, org, now: () => clock.now().toISOString() };

      const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, failed: [] };
      const fail = (line: number, errors: readonly RowError[]) => summary.failed.push({ line, errors });
      const invites: { line: number; accountId: string; email: string }[] = [];
      const tally = (outcomes: readonly RowOutcome[]) => {
        for (const o of outcomes) {
          if (o.status === 'failed') fail(o.line, o.issues.map(({ field, code, message }) => ({ field, code, message })));
          else summary[o.status]++;
          if (o.status === 'created' && o.invite) invites.push({ line: o.line, ...o.invite });
        }
      };

      let read = 0;
      async function* batches(): AsyncGenerator<PreparedRow[]> {
        let batch: PreparedRow[] = [];
        for await (const item of readRows(opts.format, input)) {
          if (item.kind === 'columns') {
            const issues = columnIssues(registry, item.columns);
            if (issues.length > 0) return void fail(item.line, issues);
            continue;
          }
          if (item.kind === 'unreadable') {
            fail(item.line, [{ field: null, code: 'import.malformed_row', message: item.message }]);
            if (item.fatal) break;
            continue;
          }
          opts.onProgress?.(++read);
          const prepared = prepareRow(rowContext, item.line, item.values, item.cells);
          if (!prepared.ok) fail(prepared.line, prepared.issues);
          else if (batch.push(prepared.row) >= BATCH) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
      }

      const sendInvites = async () => {
        for (const { line, accountId, email } of invites.splice(0)) {
          try {
            await opts.invite?.({ accountId, email, org: org.slug });
          } catch (err) {
            if (!(err instanceof ProfiledError)) throw err;
            fail(line, [{ field: null, code: err.code, message: `The member was imported, but the invitation failed: ${err.message}` }]);
          }
        }
      };

      if (opts.atomic || opts.dryRun) {
        // One transaction for the whole file, rolled back for a dry run or any failed row.
        try {
          await storage.transaction(async (tx) => {
            for await (const batch of batches()) tally(await applyBatch(tx, applyContext, batch));
            if (opts.dryRun || summary.failed.length > 0) throw ROLLBACK;
          });
          await sendInvites();
        } catch (err) {
          if (err !== ROLLBACK) throw err;
          invites.length = 0;
          if (!opts.dryRun) Object.assign(summary, { created: 0, updated: 0, unchanged: 0 });
        }
      } else {
        for await (const batch of batches()) {
          tally(await inOwnTransactions(storage, applyContext, batch));
          await sendInvites();
        }
      }
      summary.failed.sort((a, b) => a.line - b.line);
      return summary;
    },
  };
}

/**
 * A batch in one transaction; if a write loses a race (a username taken by someone else in
 * the same instant), the batch again one row to a transaction, so that only that row fails.
 */
async function inOwnTransactions(storage: ServiceDeps['storage'], ctx: ApplyContext, batch: readonly PreparedRow[]): Promise<RowOutcome[]> {
  try {
    return await storage.transaction((tx) => applyBatch(tx, ctx, batch));
  } catch (err) {
    if (!(err instanceof ProfiledError)) throw err;
  }
  const out: RowOutcome[] = [];
  for (const row of batch) {
    try {
      out.push(...(await storage.transaction((tx) => applyBatch(tx, ctx, [row]))));
    } catch (err) {
      if (!(err instanceof ProfiledError)) throw err;
      out.push({ status: 'failed', line: row.line, issues: err.issues.length > 0 ? err.issues : [{ field: null, code: err.code, message: err.message }] });
    }
  }
  return out;
}

export type ImportService = ReturnType<typeof createImportService>;
