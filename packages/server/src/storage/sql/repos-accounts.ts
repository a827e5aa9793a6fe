import type { CompiledRegistry } from '@profiled/core';
import { ProfiledError } from '@profiled/core';
import { sql, type Kysely } from 'kysely';
import type { AccountRow, OrgRow, Repos } from '../port.ts';
import { encodeValue, type SqlFlavor } from './flavor.ts';
import { insertRows, KEYS_PER_QUERY } from './bulk.ts';
import { createTemplateCache, runTemplate, slot, type TemplateCache } from './prepared.ts';

type AccountRepos = Pick<
  Repos,
  'insertOrg' | 'findOrg' | 'insertAccount' | 'findAccount' | 'findAccountByLogin' | 'isTaken' | 'updateAccount' | 'setPasswordHash' | 'findAccountsByLogins' | 'upgradePasswordHash' | 'insertAccounts'
>;

const ACCOUNT_COLUMNS = ['id', 'username', 'email', 'kind', 'password_hash', 'status', 'default_org_id', 'created_at', 'updated_at', 'deletion_requested_at'] as const;

/** Organization and account queries, shared by every SQL backend. */
export function accountRepos(db: Kysely<any>, f: SqlFlavor, reg: CompiledRegistry, templates: TemplateCache = createTemplateCache()): AccountRepos {
  const toOrg = (r: Record<string, unknown>): OrgRow => ({
    id: r['id'] as string,
    slug: r['slug'] as string,
    name: r['name'] as string,
    settings: (f.decodeJson(r['settings']) ?? {}) as OrgRow['settings'],
    created_at: r['created_at'] as string,
  });
  const accounts = () => db.selectFrom('accounts').select([...ACCOUNT_COLUMNS]);

  return {
    async insertOrg(org) {
      try {
        await db.insertInto('orgs').values({ ...org, settings: f.encodeJson(org.settings) }).execute();
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
    },
    async findOrg(by) {
      const q = db.selectFrom('orgs').selectAll();
      const row = await ('id' in by ? q.where('id', '=', by.id) : q.where('slug', '=', by.slug)).executeTakeFirst();
      return row ? toOrg(row) : undefined;
    },
    async insertAccount(a) {
      const columns = Object.keys(a).filter((c) => a[c as keyof AccountRow] !== undefined);
      const t = templates(`insertAccount:${columns.join(',')}`, () => db.insertInto('accounts').values(Object.fromEntries(columns.map((c) => [c, slot(c)]))));
      try {
        await runTemplate(db, t, a as unknown as Record<string, unknown>);
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
    },
    async findAccount(id) {
      // On the hot path (AISquare renders the account's own dates on every read): compiled once.
      const [row] = (await runTemplate(db, templates('findAccount', () => accounts().where('id', '=', slot('id'))), { id })).rows;
      return row as AccountRow | undefined;
    },
    async findAccountByLogin(login) {
      const key = login.toLowerCase();
      return (await accounts()
        .where((eb) => eb.or([eb(sql`lower(username)`, '=', key), eb(sql`lower(email)`, '=', key)]))
        .orderBy(sql`case when lower(username) = ${key} then 0 else 1 end`)
        .executeTakeFirst()) as AccountRow | undefined;
    },
    async isTaken(_field, value, exceptId) {
      // Usernames may look like email addresses, and sign-in accepts either: a value is taken
      // when any other account uses it as its username or as its email.
      const key = value.toLowerCase();
      let q = db.selectFrom('accounts').select('id').where((eb) => eb.or([eb(sql`lower(username)`, '=', key), eb(sql`lower(email)`, '=', key)]));
      if (exceptId) q = q.where('id', '<>', exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },
    async updateAccount(id, changes, updatedAt) {
      const row: Record<string, unknown> = {};
      for (const def of reg.storedAccountFields) {
        if (Object.hasOwn(changes, def.name)) row[def.name] = encodeValue(f, def, changes[def.name]!);
      }
      if (Object.keys(row).length === 0) return;
      try {
        await db.updateTable('accounts').set({ ...row, updated_at: updatedAt }).where('id', '=', id).execute();
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
    },
    async setPasswordHash(id, hash, updatedAt) {
      await db.updateTable('accounts').set({ password_hash: hash, updated_at: updatedAt }).where('id', '=', id).execute();
    },
    async findAccountsByLogins(logins) {
      const out: AccountRow[] = [];
      for (let i = 0; i < logins.length; i += KEYS_PER_QUERY) {
        const keys = logins.slice(i, i + KEYS_PER_QUERY);
        // Both sides of the OR are served by the lower() indexes.
        const rows = await accounts()
          .where((eb) => eb.or([eb(sql`lower(username)`, 'in', keys), eb(sql`lower(email)`, 'in', keys)]))
          .execute();
        out.push(...(rows as AccountRow[]));
      }
      return out;
    },
    async insertAccounts(rows) {
      const columns = ['id', 'username', 'email', 'kind', 'password_hash', 'status', 'default_org_id', 'created_at', 'updated_at'] as const;
      try {
        await insertRows(db, templates, 'accounts', columns, rows.map((a) => columns.map((c) => a[c])));
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
    },
    async upgradePasswordHash(id, from, to, updatedAt) {
      const result = await db.updateTable('accounts').set({ password_hash: to, updated_at: updatedAt }).where('id', '=', id).where('password_hash', '=', from).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

/**
 * A lost race on a unique index (both databases name the index in the message) becomes the
 * same domain error the service's pre-check gives.
 */
function uniqueViolation(err: unknown): ProfiledError | undefined {
  const text = err instanceof Error ? `${err.message} ${(err as { constraint?: string }).constraint ?? ''}` : '';
  if (text.includes('accounts_username_ci')) return new ProfiledError('account.username_taken', { issues: [{ field: 'username', code: 'account.username_taken', message: 'That username is already taken.' }] });
  if (text.includes('accounts_email_ci')) return new ProfiledError('account.email_taken', { issues: [{ field: 'email', code: 'account.email_taken', message: 'That email address is already in use.' }] });
  if (/orgs[._]slug/.test(text)) return new ProfiledError('org.slug_taken');
  return undefined;
}
