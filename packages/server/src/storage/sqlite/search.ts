import { sql, type Kysely } from 'kysely';
import { ddl } from '../sql/ddl.ts';
import type { SearchCapability } from '../sql/flavor.ts';
import { slot } from '../sql/prepared.ts';

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
  async createDirectoryIndex(db, columns) {
    for (const t of ['profiles_search_insert', 'profiles_search_delete', 'profiles_search_update']) await sql.raw(ddl`drop trigger if exists ${t}`).execute(db);
    await sql.raw('drop table if exists profile_search').execute(db);
    for (const statement of directoryIndexDdl(columns)) await sql.raw(statement).execute(db);
  },
  async createDirectoryVersions(db) {
    for (const statement of directoryVersionsDdl()) await sql.raw(statement).execute(db);
  },
  matches(db, { ranked, tag }) {
    if (!ranked) return tag ? entriesOf(db).where(hasTag) : entriesOf(db);
    const q = db
      .selectFrom('directory_search')
      .innerJoin('directory_entries as e', (join) => join.on('e.key', '=', sql`directory_search.rowid`))
      .select(['e.profile_id as page_id', 'e.name as page_name', sql<number>`bm25(directory_search, 10.0, 4.0, 4.0, 3.0, 1.0, 5.0)`.as('search_rank')])
      .where(sql<boolean>`directory_search match ${slot('match')}`)
      // The org's words are its own already; its range of rowids holds that whatever a word is.
      .where(sql`directory_search.rowid`, '>=', slot<number>('first'))
      .where(sql`directory_search.rowid`, '<', slot<number>('last'));
    return tag ? q.where(hasTag) : q;
  },
  listed(db, after) {
    const q = entriesOf(db);
    return after ? q.where(sql<boolean>`(e.name, e.profile_id) > (${slot('after_name')}, ${slot('after_id')})`) : q;
  },
  directoryValues({ orgNumber }, { terms, tag }, after) {
    return {
      org: orgNumber,
      first: orgNumber * KEY_SPAN,
      last: (orgNumber + 1) * KEY_SPAN,
      // Each term as the org's word (see directoryWords), quoted (no FTS syntax can slip
      // through) and matched as a prefix; all must match.
      match: terms.map((t) => `"${orgWord(orgNumber)}${t.replace(/"/g, '""')}"*`).join(' '),
      tag: tag?.toLowerCase(),
      after_name: after?.name,
      after_id: after?.id,
    };
  },
};

/** Index keys are `org number × 2³² + profile number`: each org's profiles are one range of keys. */
const KEY_SPAN = 2 ** 32;

/** What every indexed word of an org begins with: `o` and the org's number in six base-36 digits, so no two orgs share a word. */
const orgWord = (orgNumber: number) => `o${orgNumber.toString(36).padStart(6, '0')}`;

/** The SQL function the index's triggers call (registered on every writing connection). */
export const DIRECTORY_WORDS_FUNCTION = 'profiled_directory_words';

/**
 * A column's text as the index holds it: each word (a run of letters and digits, as search
 * terms are split) prefixed with its org's mark. A prefix search of a common word then
 * reads that org's words only: FTS5 merges every word that starts with a prefix across the
 * whole index before any rowid range applies, so with shared words a search of a small org
 * cost as much as one of all of them. Folding case and diacritics stays FTS5's (unicode61).
 */
export function directoryWords(orgNumber: unknown, text: unknown): string | null {
  if (typeof text !== 'string' || typeof orgNumber !== 'number') return null;
  const mark = orgWord(orgNumber);
  return (text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => mark + w).join(' ');
}

/** The org's entries, in the shape `matches` and `listed` answer with. */
const entriesOf = (db: Kysely<any>) => db.selectFrom('directory_entries as e').select(['e.profile_id as page_id', 'e.name as page_name']).where('e.org_number', '=', slot<number>('org'));

const hasTag = sql<boolean>`exists (select 1 from profiles p, json_each(p.tags) where p.id = e.profile_id and lower(json_each.value) = ${slot('tag')})`;

/**
 * The directory's index (migration 0011). `directory_search` is a contentless FTS5 table
 * (the text stays in `profiles`) whose rowid is the key above and whose words carry their
 * org's mark (directoryWords), so a search of one org reads that org's words and rows
 * only; `directory_entries` holds each key's profile id and name, for
 * the tie-break by name and the listing by name, in a row narrow enough to read for every
 * match. Both hold exactly the listed profiles (public, of an active account), as
 * `directory_rows` defines them. Triggers keep them in step within each writing statement:
 * a profile is taken out and put back (when listed) whenever its visibility, its number or
 * an indexed column changes, and all of an account's profiles when its status does. A new
 * profile is indexed when the number trigger of migration 0004 gives it its number.
 */
function directoryIndexDdl(columns: readonly string[]): string[] {
  // `which` is one of the constant id lists below, never input; columns go through ddl.
  const refresh = (which: string) => [
    `delete from directory_search where rowid in (select key from directory_entries where profile_id in (${which}));`,
    `delete from directory_entries where profile_id in (${which});`,
    ddl`insert into directory_search(rowid, ${columns}) select key, ${columns} from directory_rows` + ` where profile_id in (${which});`,
    `insert into directory_entries(key, org_number, profile_id, name) select key, org_number, profile_id, name from directory_rows where profile_id in (${which});`,
  ].join(' ');
  return [
    ddl`create virtual table directory_search using fts5(${columns}, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
    'create table directory_entries (key integer primary key, org_number integer not null, profile_id text not null unique, name text)',
    'create index directory_entries_names on directory_entries (org_number, name, profile_id)',
    [
      'create view directory_rows as select o.number * 4294967296 + p.number as key, o.number as org_number, p.id as profile_id, p.display_name as name,',
      columns.map((c) => ddl`${DIRECTORY_WORDS_FUNCTION}(o.number, p.${c}) as ${c}`).join(', '),
      "from profiles p join accounts a on a.id = p.account_id join orgs o on o.id = p.org_id where p.is_public = 1 and a.status = 'active' and p.number is not null",
    ].join(' '),
    ddl`insert into directory_search(rowid, ${columns}) select key, ${columns} from directory_rows`,
    'insert into directory_entries(key, org_number, profile_id, name) select key, org_number, profile_id, name from directory_rows',
    // A row inserted with its number; without one (the usual case) the number trigger's update indexes it.
    `create trigger directory_profile_insert after insert on profiles when new.number is not null and new.is_public = 1 begin ${refresh('new.id')} end`,
    ddl`create trigger directory_profile_update after update of is_public, number, org_id, account_id, ${columns} on profiles when old.is_public = 1 or new.is_public = 1 begin ` + `${refresh('old.id, new.id')} end`,
    'create trigger directory_profile_delete after delete on profiles when old.is_public = 1 begin delete from directory_search where rowid in (select key from directory_entries where profile_id = old.id); delete from directory_entries where profile_id = old.id; end',
    `create trigger directory_account_status after update of status on accounts when old.status <> new.status begin ${refresh('select id from profiles where account_id = new.id')} end`,
  ];
}

/** The versions of migration 0014 (see SearchCapability.createDirectoryVersions). */
function directoryVersionsDdl(): string[] {
  // `orgs` is one of the constant selections below, never input. The WHERE keeps SQLite
  // from reading the upsert's ON as a join constraint.
  const raise = (orgs: string) => `insert into directory_versions (org_id, version) select org_id, 1 from (${orgs}) where true on conflict (org_id) do update set version = version + 1;`;
  const listedOf = (which: string) => `select distinct org_id from profiles where id in (${which}) and is_public = 1`;
  return [
    'create table directory_versions (org_id text primary key references orgs (id) on delete cascade, version integer not null)',
    `create trigger directory_version_profile_insert after insert on profiles when new.is_public = 1 begin ${raise('select new.org_id as org_id')} end`,
    `create trigger directory_version_profile_update after update on profiles when old.is_public = 1 or new.is_public = 1 begin ${raise('select old.org_id as org_id union select new.org_id')} end`,
    `create trigger directory_version_profile_delete after delete on profiles when old.is_public = 1 begin ${raise('select old.org_id as org_id')} end`,
    `create trigger directory_version_account after update on accounts begin ${raise('select distinct org_id from profiles where account_id = new.id and is_public = 1')} end`,
    `create trigger directory_version_follow_insert after insert on follows begin ${raise(listedOf('new.follower_id, new.followee_id'))} end`,
    `create trigger directory_version_follow_delete after delete on follows begin ${raise(listedOf('old.follower_id, old.followee_id'))} end`,
    `create trigger directory_version_org after update on orgs begin ${raise('select new.id as org_id')} end`,
  ];
}
