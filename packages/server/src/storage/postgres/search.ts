import { sql } from 'kysely';
import { ddl } from '../sql/ddl.ts';
import type { SearchCapability } from '../sql/flavor.ts';

/** The weight of each searchable column: the name counts most, the summary least. */
const WEIGHTS: Record<string, 'A' | 'B' | 'C'> = { display_name: 'A', position: 'B', company_name: 'B', tags: 'B', business_area: 'C', summary: 'C' };

/**
 * PostgreSQL: a stored generated `tsvector` over the profile columns (so it changes with
 * every write, in the same transaction) under a GIN index; ranked with ts_rank_cd.
 */
export const postgresSearch: SearchCapability = {
  async createIndex(db, columns) {
    const parts = columns.map((c) => {
      const source = c === 'tags' ? ddl`${c}::text` : ddl`${c}`;
      return `setweight(to_tsvector('simple', coalesce(${source}, '')), '${WEIGHTS[c] ?? 'C'}')`;
    });
    await sql.raw(['alter table profiles add column search_vector tsvector generated always as (', parts.join(' || '), ') stored'].join('')).execute(db);
    await sql.raw('create index profiles_search_vector on profiles using gin (search_vector)').execute(db);
  },
  match(query, terms) {
    // Terms are letters and digits only, so the tsquery syntax is ours alone; still bound.
    const tsquery = terms.map((t) => `${t}:*`).join(' & ');
    return query
      .where(sql<boolean>`p.search_vector @@ to_tsquery('simple', ${tsquery})`)
      .select(sql<number>`-ts_rank_cd(p.search_vector, to_tsquery('simple', ${tsquery}))`.as('search_rank'));
  },
  hasTag(query, tag) {
    return query.where(sql<boolean>`exists (select 1 from jsonb_array_elements_text(p.tags) as t(v) where lower(t.v) = ${tag.toLowerCase()})`);
  },
};
