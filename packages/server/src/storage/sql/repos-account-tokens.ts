import type { Kysely } from 'kysely';
import type { AccountTokenRepos, AccountTokenRow } from '../port.ts';

/** The `account_tokens` table (migration 0009): single-use password-reset and invitation links. */
export function accountTokenRepos(db: Kysely<any>): AccountTokenRepos {
  return {
    async insertAccountToken(row) {
      await db.insertInto('account_tokens').values({ ...row }).execute();
    },
    async findAccountToken(hash) {
      return (await db.selectFrom('account_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst()) as AccountTokenRow | undefined;
    },
    async consumeAccountToken(hash, now) {
      // One conditional UPDATE decides a race between two uses, as for refresh tokens.
      const won = await db
        .updateTable('account_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', hash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return won as AccountTokenRow | undefined;
    },
    async voidAccountTokens(accountId, purposes, at) {
      if (purposes.length === 0) return 0;
      const r = await db.updateTable('account_tokens').set({ used_at: at }).where('account_id', '=', accountId).where('purpose', 'in', [...purposes]).where('used_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async deleteAccountTokensOf(accountId) {
      const r = await db.deleteFrom('account_tokens').where('account_id', '=', accountId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
