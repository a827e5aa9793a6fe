import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { ddl } from '../sql/ddl.ts';
import type { SearchCapability } from '../sql/flavor.ts';
import { slot } from '../sql/prepared.ts';

/** The weight of each searchable column: the name counts most, the summary least. */
const WEIGHTS: Record<string, 'A' | 'B' | 'C'> = { display_name: 'A', position: 'B', company_name: 'B', tags: 'B', business_area: 'C', summary: 'C' };

/**
 * What separates words, besides white space: the punctuation a name, position, bio or tag
 * holds. PostgreSQL's text parser is not used: it reads `23263-7-x9` as the numbers `23263`
 * and `-7`, `3e5ab` as a number and a word, and `ada@example.com` or `example.com` as one
 * token, so searching for parts of them found nothing, while SQLite's unicode61 and the
 * search terms (runs of letters and digits) split them. Letters outside ASCII stay whole
 * whatever the cluster's locale, which a `[^[:alnum:]]` split under the C locale would not do.
 */
const SEPARATORS = '-./@_+:,;!?()[]{}\'"&#%*=<>|\\~^$`–—·’‘“”…';
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Latin letters with diacritics, each to its plain lower-case letter, as SQLite's
 * `remove_diacritics` folds them (so `muller` finds Müller on both databases); Greek and
 * Cyrillic capitals to their lower case. Capitals are mapped because under the C locale
 * lower() leaves every non-ASCII letter as it is.
 */
const FOLD = (() => {
  let from = '';
  let to = '';
  const add = (first: number, last: number, plain: (ch: string) => string) => {
    for (let c = first; c <= last; c++) {
      const ch = String.fromCodePoint(c);
      const folded = plain(ch);
      if ([...folded].length === 1 && folded !== ch) {
        from += ch;
        to += folded;
      }
    }
  };
  add(0xc0, 0x24f, (ch) => ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase());
  add(0x370, 0x52f, (ch) => ch.toLowerCase());
  return { from, to, map: new Map([...from].map((ch, i) => [ch, [...to][i]!])) };
})();
const fold = (term: string) => [...term].map((ch) => FOLD.map.get(ch) ?? ch).join('');

/**
 * A document's words as a tsvector with positions and one weight: split as above, lower-cased
 * and folded, a word over the lexeme limit left out (as to_tsvector does) rather than failing the write.
 * Words never hold a quote or a backslash (both are separators), so the literal is safe.
 * The fold maps letters outside ASCII only, so text that is all ASCII once split (as many
 * byte as characters) skips it, and an empty document is empty at once: the same vector,
 * computed in less than half the time (it was most of the cost of inserting a profile).
 */
const wordsFunction = (name: string, marked: boolean) =>
  [
    `create or replace function ${name}(${marked ? 'mark text, ' : ''}doc text, weight text) returns tsvector`,
    'language sql immutable parallel safe as $fn$',
    "  select case when coalesce(doc, '') = '' then ''::tsvector else (",
    `  select coalesce(string_agg(${literal("'")} || ${marked ? 'mark || ' : ''}w || ${literal("':")} || least(n, 16383) || weight, ' ')::tsvector, ''::tsvector)`,
    `  from (select lower(translate(doc, ${literal(SEPARATORS)}, ${literal(' '.repeat([...SEPARATORS].length))})) as split) s,`,
    `  regexp_split_to_table(case when octet_length(s.split) = char_length(s.split) then s.split else translate(s.split, ${literal(FOLD.from)}, ${literal(FOLD.to)}) end, '\\s+') with ordinality as t(w, n)`,
    // A lexeme is at most 2047 bytes; the mark takes 8 of them.
    `  where w <> '' and octet_length(w) < ${marked ? 2040 : 2048}`,
    '  ) end',
    '$fn$',
  ].join('\n');
const WORDS_FUNCTION = wordsFunction('profiled_search_words', false);

/**
 * The directory's words (migration 0011): the same, each word prefixed with its org's mark
 * (see orgMark), so that a prefix search reads the org's words only. GIN answers `word:*`
 * by uniting the posting lists of every lexeme with that prefix before any other condition
 * applies: with shared words, a search of a 1 000-member org read all 200 000 members' lists.
 */
const DIRECTORY_WORDS_FUNCTION = wordsFunction('profiled_directory_words', true);

/** An org's mark: 8 hex digits of the MD5 of its id (not for secrecy; two orgs sharing one only lose speed, the org filter still applies). */
const orgMark = (orgId: string) => createHash('md5').update(orgId).digest('hex').slice(0, 8);

/**
 * PostgreSQL: a stored generated `tsvector` over the profile columns (so it changes with
 * every write, in the same transaction) under a GIN index; ranked with ts_rank_cd. A query
 * is a tsquery literal of the terms as prefixes, so no parser stands between them either.
 */
export const postgresSearch: SearchCapability = {
  async createIndex(db, columns) {
    await sql.raw(WORDS_FUNCTION).execute(db);
    const parts = columns.map((c) => `${c === 'tags' ? ddl`profiled_search_words(${c}::text, ` : ddl`profiled_search_words(${c}, `}'${WEIGHTS[c] ?? 'C'}')`);
    await sql.raw(['alter table profiles add column search_vector tsvector generated always as (', parts.join(' || '), ') stored'].join('')).execute(db);
    await sql.raw('create index profiles_search_vector on profiles using gin (search_vector)').execute(db);
  },
  async replaceFunctions(db) {
    await sql.raw(WORDS_FUNCTION).execute(db);
  },
  async rebuildIndex(db, columns) {
    await sql.raw('drop index if exists profiles_search_vector').execute(db);
    await sql.raw('alter table profiles drop column if exists search_vector').execute(db);
    await postgresSearch.createIndex(db, columns);
  },
  async createDirectoryIndex(db, columns) {
    await sql.raw(DIRECTORY_WORDS_FUNCTION).execute(db);
    const mark = 'substr(md5(org_id), 1, 8)';
    const parts = columns.map((c) => `profiled_directory_words(${mark}, ${c === 'tags' ? ddl`${c}::text` : ddl`${c}`}, '${WEIGHTS[c] ?? 'C'}')`);
    await sql.raw('drop index if exists profiles_search_vector').execute(db);
    await sql.raw('alter table profiles drop column if exists search_vector').execute(db);
    await sql.raw(['alter table profiles add column directory_vector tsvector generated always as (', parts.join(' || '), ') stored'].join('')).execute(db);
    // Partial: private profiles are not in it at all. Without fastupdate, a write goes into
    // the tree at once: a pending list (up to 4 MB after a bulk import) is read whole by
    // every search until a vacuum merges it, 2 ms for a word that names one profile.
    await sql.raw('create index profiles_directory_search on profiles using gin (directory_vector) with (fastupdate = off) where is_public').execute(db);
    await sql.raw('create index profiles_directory_names on profiles (org_id, display_name, id) where is_public').execute(db);
    // Few accounts are not active: the listing leaves them out with an anti-join on this list.
    await sql.raw("create index accounts_not_active on accounts (id) where status <> 'active'").execute(db);
  },
  async createDirectoryVersions(db) {
    for (const statement of DIRECTORY_VERSIONS_DDL) await sql.raw(statement).execute(db);
  },
  matches(db, { ranked, tag }) {
    let q = listedIn(db);
    if (tag) q = q.where(sql<boolean>`exists (select 1 from jsonb_array_elements_text(p.tags) as t(v) where lower(t.v) = ${slot('tag')})`);
    if (!ranked) return q;
    const tsquery = sql`cast(${slot('match')} as tsquery)`;
    return q.where(sql<boolean>`p.directory_vector @@ ${tsquery}`).select(sql<number>`-ts_rank_cd(p.directory_vector, ${tsquery})`.as('search_rank'));
  },
  listed(db, after) {
    const q = listedIn(db);
    return after ? q.where(sql<boolean>`(p.display_name, p.id) > (${slot('after_name')}, ${slot('after_id')})`) : q;
  },
  directoryValues({ orgId }, { terms, tag }, after) {
    const mark = orgMark(orgId);
    return {
      org: orgId,
      // Terms are lower-cased letters and digits only, so no quote can occur; still bound.
      match: terms.map((t) => `'${mark}${fold(t)}':*`).join(' & '),
      tag: tag?.toLowerCase(),
      after_name: after?.name,
      after_id: after?.id,
    };
  },
};

/**
 * The org's listed profiles: public (a literal, so the planner matches the partial indexes)
 * and not of an account that is not active (an anti-join on the short list of those).
 */
const listedIn = (db: Kysely<any>) =>
  db
    .selectFrom('profiles as p')
    .select(['p.id as page_id', 'p.display_name as page_name'])
    .where('p.org_id', '=', slot('org'))
    .where(sql<boolean>`p.is_public`)
    .where(sql<boolean>`not exists (select 1 from accounts a where a.id = p.account_id and a.status <> 'active')`);

/**
 * The versions of migration 0014 (see SearchCapability.createDirectoryVersions). Orgs are
 * raised in id order, so two transactions that raise the same two never wait on each other
 * in a cycle; the triggers' names sort after the foreign keys' (`RI_…`), so a follow's row
 * locks come before its org's version.
 */
const DIRECTORY_VERSIONS_DDL = [
  'create table directory_versions (org_id text primary key references orgs (id) on delete cascade, version bigint not null)',
  `create function profiled_directory_raise(orgs text[]) returns void language sql as $fn$
    insert into directory_versions as v (org_id, version) select o, 1 from unnest(orgs) as o where o is not null order by o
    on conflict (org_id) do update set version = v.version + 1
  $fn$`,
  `create function profiled_directory_profile_changed() returns trigger language plpgsql as $fn$
  begin
    perform profiled_directory_raise(array(select distinct o from unnest(array[
      case when tg_op <> 'INSERT' and old.is_public then old.org_id end,
      case when tg_op <> 'DELETE' and new.is_public then new.org_id end]) as o));
    return null;
  end $fn$`,
  `create function profiled_directory_account_changed() returns trigger language plpgsql as $fn$
  begin
    perform profiled_directory_raise(array(select distinct org_id from profiles where account_id = new.id and is_public));
    return null;
  end $fn$`,
  `create function profiled_directory_follow_changed() returns trigger language plpgsql as $fn$
  declare f follows;
  begin
    f := case when tg_op = 'DELETE' then old else new end;
    perform profiled_directory_raise(array(select distinct org_id from profiles where id in (f.follower_id, f.followee_id) and is_public));
    return null;
  end $fn$`,
  `create function profiled_directory_org_changed() returns trigger language plpgsql as $fn$
  begin
    perform profiled_directory_raise(array[new.id]);
    return null;
  end $fn$`,
  // A private profile's writes call nothing.
  'create trigger directory_version_profile_insert after insert on profiles for each row when (new.is_public) execute function profiled_directory_profile_changed()',
  'create trigger directory_version_profile_update after update on profiles for each row when (old.is_public or new.is_public) execute function profiled_directory_profile_changed()',
  'create trigger directory_version_profile_delete after delete on profiles for each row when (old.is_public) execute function profiled_directory_profile_changed()',
  'create trigger directory_version_account after update on accounts for each row execute function profiled_directory_account_changed()',
  'create trigger directory_version_follow after insert or delete on follows for each row execute function profiled_directory_follow_changed()',
  'create trigger directory_version_org after update on orgs for each row execute function profiled_directory_org_changed()',
];
