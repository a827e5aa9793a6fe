import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/**
 * Queries on the hot path are built and compiled by Kysely once, with named slots in place
 * of their parameters, and then run with fresh values: the SQL text is identical every time,
 * so the driver's statement cache hits and no query builder runs per request.
 */
const SLOT = '\u0000slot:';

/** A placeholder value for a named parameter of a template. */
export function slot<T = string>(name: string): T {
  return `${SLOT}${name}` as T;
}

export interface Template {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** Keeps compiled templates by name for the life of a storage (they depend on the dialect only). */
export function createTemplateCache(limit = 512) {
  const cache = new Map<string, Template>();
  return (key: string, build: () => Compilable): Template => {
    let t = cache.get(key);
    if (!t) {
      const compiled = build().compile();
      t = { sql: compiled.sql, parameters: compiled.parameters };
      if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
      cache.set(key, t);
    }
    return t;
  };
}

export type TemplateCache = ReturnType<typeof createTemplateCache>;

/** Runs a template with values for its slots; every other parameter is kept as compiled. */
export async function runTemplate<R = Record<string, unknown>>(db: Kysely<any>, t: Template, values: Readonly<Record<string, unknown>>): Promise<{ rows: R[]; affected: number }> {
  const result = await db.executeQuery<R>(bindTemplate(t, values));
  return { rows: result.rows as R[], affected: Number(result.numAffectedRows ?? 0) };
}

/** A template's query with values in its slots, to run on a connection of the caller's choosing. */
export function bindTemplate(t: Template, values: Readonly<Record<string, unknown>>): CompiledQuery {
  return CompiledQuery.raw(t.sql, t.parameters.map((p) => (typeof p === 'string' && p.startsWith(SLOT) ? values[p.slice(SLOT.length)] : p)));
}
