import type { CompiledRegistry, FieldDef, FieldValue } from '@profiled/core';
import { sql, type Compilable, type CompiledQuery, type ExpressionBuilder, type Kysely } from 'kysely';
import type { EventRow, ProfileRecord, Repos } from '../port.ts';
import { decodeValue, encodeValue, type DirectoryFilter, type DirectoryScope, type ProfileQuery, type SqlFlavor } from './flavor.ts';
import { insertRows, KEYS_PER_QUERY } from './bulk.ts';
import { bindTemplate, createTemplateCache, runTemplate, slot, type TemplateCache } from './prepared.ts';

type ProfileRepos = Pick<
  Repos,
  | 'insertProfile'
  | 'findProfile'
  | 'findProfileByNumber'
  | 'findProfileOf'
  | 'findProfilesOfAccounts'
  | 'insertProfiles'
  | 'insertEvents'
  | 'listProfilesOf'
  | 'updateProfile'
  | 'listPublicProfiles'
  | 'searchPublicProfiles'
  | 'searchPublicProfilesCounted'
  | 'countPublicProfiles'
  | 'followCounts'
  | 'followRelation'
  | 'followRelations'
  | 'directoryStamp'
  | 'insertEvent'
  | 'listEvents'
>;

/**
 * Runs a directory query (a search, a count, a listing): on the storage's connection, or,
 * where the storage has them, on reader threads with connections of their own.
 */
export type DirectoryReader = (query: CompiledQuery) => Promise<Record<string, unknown>[]>;

const onConnection = (db: Kysely<any>): DirectoryReader => async (query) => (await db.executeQuery<Record<string, unknown>>(query)).rows;

/** Profile, event and follow queries, shared by every SQL backend. */
export function profileRepos(db: Kysely<any>, f: SqlFlavor, reg: CompiledRegistry, templates: TemplateCache = createTemplateCache(), read: DirectoryReader = onConnection(db)): ProfileRepos {
  const profileFields = reg.storedProfileFields;
  const accountFields = reg.storedAccountFields;
  const systemColumns = ['p.id', 'p.account_id', 'p.org_id', 'p.version', 'p.number', 'p.created_at', 'p.updated_at'];
  const selection = [
    ...systemColumns,
    ...profileFields.map((d) => `p.${d.name}`),
    ...accountFields.map((d) => `a.${d.name}`),
  ];

  const encode = (changes: Readonly<Record<string, FieldValue>>, allowed: readonly FieldDef[]) => {
    const row: Record<string, unknown> = {};
    for (const def of allowed) if (Object.hasOwn(changes, def.name)) row[def.name] = encodeValue(f, def, changes[def.name]!);
    return row;
  };

  // A directory page shows public fields only: its rows carry those alone (and no pending count).
  const publicNames = new Set(reg.publicFields.map((d) => d.name));
  const publicProfileFields = profileFields.filter((d) => publicNames.has(d.name));
  const publicAccountFields = accountFields.filter((d) => publicNames.has(d.name));

  const decodeRow = (row: Record<string, unknown>, fromProfile: readonly FieldDef[], fromAccount: readonly FieldDef[]): ProfileRecord => {
    // Keys are registry names, never request input: a plain object keeps V8's fast properties.
    const values: Record<string, FieldValue> = {};
    for (const def of fromProfile) values[def.name] = decodeValue(f, def, row[def.name]);
    for (const def of fromAccount) values[def.name] = decodeValue(f, def, row[def.name]);
    return {
      id: row['id'] as string,
      account_id: row['account_id'] as string,
      org_id: row['org_id'] as string,
      version: Number(row['version']),
      number: Number(row['number']),
      created_at: row['created_at'] as string,
      updated_at: row['updated_at'] as string,
      followers: Number(row['followers_count'] ?? 0),
      following: Number(row['following_count'] ?? 0),
      pending_changes: Number(row['pending_count'] ?? 0),
      values,
    };
  };
  const toRecord = (row: Record<string, unknown>) => decodeRow(row, profileFields, accountFields);
  /** A directory row: public values only (see `listedQuery`). */
  const toListed = (row: Record<string, unknown>) => decodeRow(row, publicProfileFields, publicAccountFields);

  const followCountsOf = (eb: ExpressionBuilder<any, any>) => [
    eb.selectFrom('follows').select((e) => e.fn.countAll().as('n')).whereRef('followee_id', '=', 'p.id').as('followers_count'),
    eb.selectFrom('follows').select((e) => e.fn.countAll().as('n')).whereRef('follower_id', '=', 'p.id').as('following_count'),
  ];
  const baseQuery = () =>
    db
      .selectFrom('profiles as p')
      .innerJoin('accounts as a', 'a.id', 'p.account_id')
      .select(selection)
      .select((eb) => [...followCountsOf(eb), eb.selectFrom('pending_changes').select((e) => e.fn.countAll().as('n')).whereRef('profile_id', '=', 'p.id').as('pending_count')]);
  const listedSelection = [...systemColumns, ...publicProfileFields.map((d) => `p.${d.name}`), ...publicAccountFields.map((d) => `a.${d.name}`)];
  /** The rows of a directory page: a third of the columns, decoded, copied to the main thread and rendered. */
  const listedQuery = () => db.selectFrom('profiles as p').innerJoin('accounts as a', 'a.id', 'p.account_id').select(listedSelection).select(followCountsOf);

  const orgNumbers = new Map<string, number>();
  /** Where the org's part of the index is; undefined for an org that does not exist. */
  const scopeOf = async (orgId: string): Promise<DirectoryScope | undefined> => {
    let orgNumber = orgNumbers.get(orgId);
    if (orgNumber === undefined) {
      const row = await db.selectFrom('orgs').select('number').where('id', '=', orgId).executeTakeFirst();
      if (!row) return undefined;
      // An org's number never changes.
      orgNumber = Number(row.number);
      orgNumbers.set(orgId, orgNumber);
    }
    return { orgId, orgNumber };
  };

  /** A directory query of a shape, compiled once, run by `read` with this org's and filter's values. */
  const readDirectory = async (key: string, build: () => Compilable, values: Readonly<Record<string, unknown>>) => read(bindTemplate(templates(`directory:${key}`, build), values));
  const shapeOf = (filter: DirectoryFilter) => ({ ranked: filter.terms.length > 0, tag: filter.tag !== undefined });
  const shapeKey = (shape: { ranked: boolean; tag: boolean }) => `${shape.ranked ? 'ranked' : 'all'}:${shape.tag ? 'tag' : ''}`;

  const countMatches = async (orgId: string, filter: DirectoryFilter) => {
    const scope = await scopeOf(orgId);
    if (!scope) return 0;
    const shape = shapeOf(filter);
    const [row] = await readDirectory(`count:${shapeKey(shape)}`, () => db.selectFrom(f.search.matches(db, shape).as('m')).select((eb) => eb.fn.countAll().as('n')), f.search.directoryValues(scope, filter));
    return Number(row?.['n'] ?? 0);
  };

  /** Only the page's rows read whole, with their follow counts, in the order of `page`. */
  const wholeRows = (page: ProfileQuery, ranked: boolean, withTotal: boolean) => {
    let q = (listedQuery() as ProfileQuery).innerJoin(page.as('page'), 'page.page_id', 'p.id');
    if (withTotal) q = q.select('page.page_total');
    if (ranked) q = q.orderBy('page.search_rank');
    return q.orderBy('page.page_name').orderBy('p.id');
  };

  /**
   * A page of matches: ranked and sorted as (id, rank, name) alone, then only the page's rows
   * read whole. `withTotal` adds the count of every match from the same pass.
   */
  const searchPage = async (orgId: string, opts: DirectoryFilter & { offset: number; limit: number }, withTotal: boolean) => {
    const scope = await scopeOf(orgId);
    if (!scope) return [];
    const shape = shapeOf(opts);
    const build = () => {
      const narrow = f.search.matches(db, shape);
      let page: ProfileQuery;
      if (withTotal) {
        // One level up: SQLite refuses bm25() beside a window function in one SELECT.
        page = db.selectFrom(narrow.as('m')).selectAll('m').select(sql<number>`count(*) over ()`.as('page_total')) as ProfileQuery;
        if (shape.ranked) page = page.orderBy('m.search_rank');
        page = page.orderBy('m.page_name').orderBy('m.page_id');
      } else {
        page = shape.ranked ? narrow.orderBy('search_rank') : narrow;
        page = page.orderBy('page_name').orderBy('page_id');
      }
      return wholeRows(page.offset(slot<number>('offset')).limit(slot<number>('limit')), shape.ranked, withTotal);
    };
    return readDirectory(`page:${shapeKey(shape)}:${withTotal ? 'total' : ''}`, build, { ...f.search.directoryValues(scope, opts), offset: opts.offset, limit: opts.limit });
  };

  return {
    async insertProfile(p) {
      const row = Object.assign(encode(p.values, profileFields), { id: p.id, account_id: p.account_id, org_id: p.org_id, version: p.version, created_at: p.created_at, updated_at: p.updated_at });
      const columns = Object.keys(row);
      // Compiled once per set of columns (a bulk import inserts thousands with the same ones).
      const t = templates(`insertProfile:${columns.join(',')}`, () => db.insertInto('profiles').values(Object.fromEntries(columns.map((c) => [c, slot(c)]))));
      await runTemplate(db, t, row);
    },
    async insertProfiles(profiles) {
      if (profiles.length === 0) return;
      const fields = profileFields.filter((def) => Object.hasOwn(profiles[0]!.values, def.name));
      const columns = ['id', 'account_id', 'org_id', 'version', 'created_at', 'updated_at', ...fields.map((d) => d.name)];
      const rows = profiles.map((p) => [p.id, p.account_id, p.org_id, p.version, p.created_at, p.updated_at, ...fields.map((def) => encodeValue(f, def, p.values[def.name]!))]);
      await insertRows(db, templates, 'profiles', columns, rows);
    },
    async insertEvents(events) {
      const columns = ['profile_id', 'version', 'kind', 'actor_id', 'at', 'changes'];
      await insertRows(db, templates, 'events', columns, events.map((e) => [e.profile_id, e.version, e.kind, e.actor_id, e.at, f.encodeJson(e.changes)]));
    },
    async findProfile(id, opts) {
      const lock = Boolean(opts?.lock && f.rowLocks);
      const t = templates(lock ? 'findProfile:lock' : 'findProfile', () => {
        const q = baseQuery().where('p.id', '=', slot('id'));
        return lock ? q.forUpdate('p') : q;
      });
      const [row] = (await runTemplate(db, t, { id })).rows;
      return row ? toRecord(row) : undefined;
    },
    async findProfileByNumber(number) {
      const row = await baseQuery().where('p.number', '=', number).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async findProfileOf(accountId, orgId) {
      const row = await baseQuery().where('p.account_id', '=', accountId).where('p.org_id', '=', orgId).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async findProfilesOfAccounts(accountIds, orgId) {
      const out: ProfileRecord[] = [];
      // In chunks, for the reason findAccountsByLogins reads its keys in chunks.
      for (let i = 0; i < accountIds.length; i += KEYS_PER_QUERY) {
        const rows = await baseQuery().where('p.org_id', '=', orgId).where('p.account_id', 'in', accountIds.slice(i, i + KEYS_PER_QUERY)).execute();
        out.push(...rows.map(toRecord));
      }
      return out;
    },
    async listProfilesOf(accountId) {
      const rows = await db
        .selectFrom('profiles as p')
        .innerJoin('orgs as o', 'o.id', 'p.org_id')
        .select(['p.id', 'p.number', 'p.org_id', 'o.slug as org_slug', 'o.name as org_name', 'p.display_name', 'p.version'])
        .where('p.account_id', '=', accountId)
        .orderBy('p.created_at')
        .orderBy('p.id')
        .execute();
      return rows.map((r) => ({ ...r, number: Number(r.number), version: Number(r.version) }));
    },
    async updateProfile(id, changes, version, updatedAt) {
      const row = encode(changes, profileFields);
      const columns = Object.keys(row);
      // One compiled statement per set of changed columns; values fill its slots.
      const t = templates(`updateProfile:${columns.join(',')}`, () =>
        db
          .updateTable('profiles')
          .set({ ...Object.fromEntries(columns.map((c) => [c, slot(`v:${c}`)])), version: slot('version'), updated_at: slot('updated_at') })
          .where('id', '=', slot('id')),
      );
      const values: Record<string, unknown> = { id, version, updated_at: updatedAt };
      for (const c of columns) values[`v:${c}`] = row[c];
      await runTemplate(db, t, values);
    },
    async listPublicProfiles(orgId, opts) {
      const scope = await scopeOf(orgId);
      if (!scope) return [];
      const after = opts.after !== undefined;
      const build = () => wholeRows(f.search.listed(db, after).orderBy('page_name').orderBy('page_id').limit(slot<number>('limit')), false, false);
      return (await readDirectory(`listed:${after ? 'after' : ''}`, build, { ...f.search.directoryValues(scope, { terms: [] }, opts.after), limit: opts.limit })).map(toListed);
    },
    async searchPublicProfiles(orgId, opts) {
      return (await searchPage(orgId, opts, false)).map(toListed);
    },
    async searchPublicProfilesCounted(orgId, opts) {
      const rows = await searchPage(orgId, opts, true);
      // Past the last match the page is empty and carries no total: count them apart.
      const total = rows.length > 0 ? Number(rows[0]!['page_total']) : opts.offset === 0 ? 0 : await countMatches(orgId, opts);
      return { records: rows.map(toListed), total };
    },
    countPublicProfiles: countMatches,
    async followCounts(profileId) {
      const row = await db
        .selectNoFrom((eb) => [
          eb.selectFrom('follows').select((e) => e.fn.countAll().as('n')).where('followee_id', '=', profileId).as('followers'),
          eb.selectFrom('follows').select((e) => e.fn.countAll().as('n')).where('follower_id', '=', profileId).as('following'),
        ])
        .executeTakeFirstOrThrow();
      return { followers: Number(row.followers), following: Number(row.following) };
    },
    async followRelations(viewerId, profileIds) {
      const out = new Map<string, { following: boolean; followedBack: boolean }>(profileIds.map((id) => [id, { following: false, followedBack: false }]));
      if (profileIds.length === 0) return out;
      const rows = await db
        .selectFrom('follows')
        .select(['follower_id', 'followee_id'])
        .where((eb) => eb.or([eb.and([eb('follower_id', '=', viewerId), eb('followee_id', 'in', profileIds)]), eb.and([eb('followee_id', '=', viewerId), eb('follower_id', 'in', profileIds)])]))
        .execute();
      for (const r of rows) {
        if (r.follower_id === viewerId && out.has(r.followee_id)) out.get(r.followee_id)!.following = true;
        if (r.followee_id === viewerId && out.has(r.follower_id)) out.get(r.follower_id)!.followedBack = true;
      }
      return out;
    },
    async directoryStamp(orgId, viewerId, profileIds) {
      // One statement per page size, compiled once: this runs before every kept page is served.
      const t = templates(`directoryStamp:${profileIds.length}`, () => {
        const ids = profileIds.map((_, i) => slot(`id${i}`));
        return db.selectNoFrom((eb) => [
          eb.fn.coalesce(eb.selectFrom('directory_versions').select('version').where('org_id', '=', slot('org')), sql<number>`0`).as('version'),
          ids.length === 0
            ? sql<boolean>`0 = 1`.as('related')
            : eb
                .or([
                  eb.exists(eb.selectFrom('follows').select(sql`1`.as('x')).where('follower_id', '=', slot('viewer')).where('followee_id', 'in', ids)),
                  eb.exists(eb.selectFrom('follows').select(sql`1`.as('x')).where('followee_id', '=', slot('viewer')).where('follower_id', 'in', ids)),
                ])
                .as('related'),
        ]);
      });
      const values: Record<string, unknown> = { org: orgId, viewer: viewerId };
      profileIds.forEach((id, i) => (values[`id${i}`] = id));
      const [row] = (await runTemplate<{ version: unknown; related: unknown }>(db, t, values)).rows;
      return { version: Number(row?.version ?? 0), related: Boolean(Number(row?.related ?? 0)) || row?.related === true };
    },
    async followRelation(viewerId, profileId) {
      const rows = await db
        .selectFrom('follows')
        .select(['follower_id', 'followee_id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('follower_id', '=', viewerId), eb('followee_id', '=', profileId)]),
            eb.and([eb('follower_id', '=', profileId), eb('followee_id', '=', viewerId)]),
          ]),
        )
        .execute();
      return {
        following: rows.some((r) => r.follower_id === viewerId && r.followee_id === profileId),
        followedBack: rows.some((r) => r.follower_id === profileId && r.followee_id === viewerId),
      };
    },
    async insertEvent(e: EventRow) {
      const t = templates('insertEvent', () =>
        db.insertInto('events').values({ profile_id: slot('profile_id'), version: slot('version'), kind: slot('kind'), actor_id: slot('actor_id'), at: slot('at'), changes: slot('changes') }),
      );
      await runTemplate(db, t, { profile_id: e.profile_id, version: e.version, kind: e.kind, actor_id: e.actor_id, at: e.at, changes: f.encodeJson(e.changes) });
    },
    async listEvents(profileId, opts) {
      let q = db.selectFrom('events').selectAll().where('profile_id', '=', profileId);
      if (opts.beforeVersion !== undefined) q = q.where('version', '<', opts.beforeVersion);
      const rows = await q.orderBy('version', 'desc').limit(opts.limit).execute();
      return rows.map((r) => ({
        profile_id: r.profile_id,
        version: Number(r.version),
        kind: r.kind,
        actor_id: r.actor_id,
        at: r.at,
        changes: f.decodeJson(r.changes) as EventRow['changes'],
      }));
    },
  };
}
