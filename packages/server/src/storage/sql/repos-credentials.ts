import type { Kysely } from 'kysely';
import type { AccountKind, AccountStatus, ApiKeyRow, Repos, SessionRow, SigningKeyRow } from '../port.ts';
import { createTemplateCache, runTemplate, slot, type TemplateCache } from './prepared.ts';

type CredentialRepos = Pick<
  Repos,
  | 'insertSession'
  | 'findSession'
  | 'findSessionWithAccount'
  | 'revokeSession'
  | 'setSessionProfile'
  | 'revokeSessionsOf'
  | 'insertRefreshToken'
  | 'consumeRefreshToken'
  | 'listSigningKeys'
  | 'insertSigningKey'
  | 'insertApiKey'
  | 'findApiKeyByHash'
  | 'listApiKeys'
  | 'revokeApiKey'
  | 'touchApiKey'
  | 'hitRateLimit'
  | 'peekRateLimit'
  | 'clearRateLimit'
>;

/** Sessions, refresh tokens, signing keys, API keys and rate-limit counters. */
export function credentialRepos(db: Kysely<any>, templates: TemplateCache = createTemplateCache()): CredentialRepos {
  return {
    async findSessionWithAccount(id) {
      const t = templates('findSessionWithAccount', () =>
        db
          .selectFrom('sessions as s')
          .innerJoin('accounts as a', 'a.id', 's.account_id')
          .select(['s.id', 's.account_id', 's.profile_id', 's.created_at', 's.revoked_at', 'a.status', 'a.kind'])
          .where('s.id', '=', slot('id')),
      );
      const [row] = (await runTemplate<SessionRow & { status: AccountStatus; kind: AccountKind }>(db, t, { id })).rows;
      return row;
    },
    async insertSession(s) {
      await db.insertInto('sessions').values({ ...s }).execute();
    },
    async findSession(id) {
      return (await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()) as SessionRow | undefined;
    },
    async revokeSession(id, at) {
      await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
    async setSessionProfile(id, profileId) {
      await db.updateTable('sessions').set({ profile_id: profileId }).where('id', '=', id).execute();
    },
    async revokeSessionsOf(accountId, at, exceptId) {
      let q = db.updateTable('sessions').set({ revoked_at: at }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
      if (exceptId) q = q.where('id', '<>', exceptId);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async insertRefreshToken(t) {
      await db.insertInto('refresh_tokens').values({ token_hash: t.hash, session_id: t.session_id, created_at: t.created_at, expires_at: t.expires_at }).execute();
    },
    async consumeRefreshToken(hash, now) {
      // One conditional UPDATE decides the race: of two concurrent uses, exactly one wins.
      const won = await db
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', hash)
        .where('used_at', 'is', null)
        .returning(['session_id', 'expires_at'])
        .executeTakeFirst();
      if (won) return won.expires_at <= now ? { status: 'expired', sessionId: won.session_id } : { status: 'ok', sessionId: won.session_id };
      const seen = await db.selectFrom('refresh_tokens').select('session_id').where('token_hash', '=', hash).executeTakeFirst();
      return seen ? { status: 'reused', sessionId: seen.session_id } : { status: 'unknown' };
    },
    async listSigningKeys() {
      return (await db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute()) as SigningKeyRow[];
    },
    async insertSigningKey(k) {
      await db.insertInto('signing_keys').values({ ...k }).execute();
    },
    async insertApiKey(k) {
      await db.insertInto('api_keys').values({ ...k }).execute();
    },
    async findApiKeyByHash(hash) {
      return (await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst()) as ApiKeyRow | undefined;
    },
    async listApiKeys(accountId) {
      return (await db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute()) as ApiKeyRow[];
    },
    async revokeApiKey(id, at) {
      const r = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async touchApiKey(id, at) {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async hitRateLimit(key, windowMs, nowMs) {
      // Atomic upsert: a window that has ended starts again at 1.
      const row = await db
        .insertInto('rate_limits')
        .values({ key, count: 1, reset_at: nowMs + windowMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            count: eb.case().when('rate_limits.reset_at', '<=', nowMs).then(1).else(eb('rate_limits.count', '+', 1)).end(),
            reset_at: eb.case().when('rate_limits.reset_at', '<=', nowMs).then(nowMs + windowMs).else(eb.ref('rate_limits.reset_at')).end(),
          })),
        )
        .returning(['count', 'reset_at'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), resetAt: Number(row.reset_at) };
    },
    async peekRateLimit(key, nowMs) {
      const row = await db.selectFrom('rate_limits').select(['count', 'reset_at']).where('key', '=', key).executeTakeFirst();
      if (!row || Number(row.reset_at) <= nowMs) return undefined;
      return { count: Number(row.count), resetAt: Number(row.reset_at) };
    },
    async clearRateLimit(key) {
      await db.deleteFrom('rate_limits').where('key', '=', key).execute();
    },
  };
}
