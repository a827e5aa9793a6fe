import { CompiledQuery, type Kysely } from 'kysely';
import { slot, type Template, type TemplateCache } from './prepared.ts';

/**
 * Keys per query of a bulk read (`lower(username) in (…)`, `account_id in (…)`). With many
 * more, PostgreSQL's planner guesses a sequential scan cheaper than the index: 80 ms at
 * 100 000 accounts for 1 000 keys, under 1 ms for 250.
 */
export const KEYS_PER_QUERY = 200;

/** Bound values per statement: under SQLite's limit (32 766) and PostgreSQL's (65 535). */
const MAX_PARAMETERS = 30_000;

/** For each parameter of a compiled multi-row INSERT, which row and column fills it (-1: a constant). */
const slotsOf = new WeakMap<Template, Int32Array>();

/**
 * Inserts rows of the same columns, as many to a statement as the parameter limit allows:
 * a bulk import writes thousands of wide rows, and one statement per row cost PostgreSQL a
 * round trip each. Each shape (table, columns, row count) is compiled by Kysely once.
 */
export async function insertRows(db: Kysely<any>, templates: TemplateCache, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const t = templates(`insertRows:${table}:${chunk.length}:${columns.join(',')}`, () =>
      db.insertInto(table).values(chunk.map((_, r) => Object.fromEntries(columns.map((c, k) => [c, slot(`${r * columns.length + k}`)])))),
    );
    let slots = slotsOf.get(t);
    if (!slots) {
      slots = Int32Array.from(t.parameters, (p) => (typeof p === 'string' && p.startsWith(slot('')) ? Number(p.slice(slot('').length)) : -1));
      slotsOf.set(t, slots);
    }
    const width = columns.length;
    const parameters = t.parameters.map((p, i) => {
      const at = slots![i]!;
      return at < 0 ? p : chunk[Math.floor(at / width)]![at % width];
    });
    await db.executeQuery(CompiledQuery.raw(t.sql, parameters));
  }
}
