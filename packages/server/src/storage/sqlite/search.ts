import { sql } from 'kysely';
import { ddl } from '../sql/ddl.ts';
import type { SearchCapability } from '../sql/flavor.ts';

/**
 * SQLite FTS5: an external-content index over the profile columns, kept in step by triggers
 * in the same transaction as every insert, update and delete; ranked with bm25 (name first).
 */
export const sqliteSearch: SearchCapability = {
  async createIndex(db, columns) {
    const newValues = columns.map((c) => `new.${c}`);
    const oldValues = columns.map((c) => `old.${c}`);
    await sql.raw(ddl`create virtual table profile_search using fts5(${columns}, content='profiles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`).execute(db);
    await sql.raw("insert into profile_search(profile_search) values ('rebuild')").execute(db);
    await sql.raw(ddl`create trigger profiles_search_insert after insert on profiles begin insert into profile_search(rowid, ${columns}) values (new.rowid, ${newValues}); end`).execute(db);
    await sql.raw(ddl`create trigger profiles_search_delete after delete on profiles begin insert into profile_search(profile_search, rowid, ${columns}) values ('delete', old.rowid, ${oldValues}); end`).execute(db);
    await sql
      .raw(ddl`create trigger profiles_search_update after update of ${columns} on profiles begin insert into profile_search(profile_search, rowid, ${columns}) values ('delete', old.rowid, ${oldValues}); insert into profile_search(rowid, ${columns}) values (new.rowid, ${newValues}); end`)
      .execute(db);
  },
  async replaceFunctions() {
    // FTS5 splits words itself: there is no function of ours to replace.
  },
  async rebuildIndex(db) {
    // unicode61 already splits at every character that is not a letter or a digit.
    await sql.raw("insert into profile_search(profile_search) values ('rebuild')").execute(db);
  },
  match(query, terms) {
    // Each term quoted (no FTS syntax can slip through) and matched as a prefix; all must match.
    const expression = terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' ');
    return query
      .innerJoin('profile_search', (join) => join.on(sql`profile_search.rowid`, '=', sql`p.rowid`))
      .where(sql<boolean>`profile_search match ${expression}`)
      .select(sql<number>`bm25(profile_search, 10.0, 4.0, 4.0, 3.0, 1.0, 5.0)`.as('search_rank'));
  },
  hasTag(query, tag) {
    return query.where(sql<boolean>`exists (select 1 from json_each(p.tags) where lower(json_each.value) = ${tag.toLowerCase()})`);
  },
};
