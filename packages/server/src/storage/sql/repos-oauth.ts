import type { Kysely } from 'kysely';
import type { AuthCodeRow, OAuthClientRow, OAuthRepos } from '../port.ts';

type ClientColumns = Omit<OAuthClientRow, 'redirect_uris' | 'post_logout_redirect_uris'> & { redirect_uris: string; post_logout_redirect_uris: string };

// URI lists are stored as JSON text, so both databases hand back the same thing.
const toRow = (c: ClientColumns): OAuthClientRow => ({ ...c, redirect_uris: JSON.parse(c.redirect_uris), post_logout_redirect_uris: JSON.parse(c.post_logout_redirect_uris) });
const toCode = (c: AuthCodeRow & { used_at?: unknown }): AuthCodeRow => {
  const { used_at: _used, ...code } = c;
  return { ...code, auth_time: Number(code.auth_time) };
};

/** OpenID Connect clients and authorization codes. */
export function oauthRepos(db: Kysely<any>): OAuthRepos {
  return {
    async insertOAuthClient(c) {
      await db.insertInto('oauth_clients').values({ ...c, redirect_uris: JSON.stringify(c.redirect_uris), post_logout_redirect_uris: JSON.stringify(c.post_logout_redirect_uris) }).execute();
    },
    async findOAuthClient(id) {
      const row = await db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRow(row as ClientColumns) : undefined;
    },
    async listOAuthClients() {
      return ((await db.selectFrom('oauth_clients').selectAll().orderBy('created_at').execute()) as ClientColumns[]).map(toRow);
    },
    async insertAuthCode(code) {
      await db.insertInto('oauth_codes').values({ ...code, used_at: null }).execute();
    },
    async consumeAuthCode(hash, now) {
      // One conditional UPDATE decides the race, as for refresh tokens.
      const won = await db.updateTable('oauth_codes').set({ used_at: now }).where('code_hash', '=', hash).where('used_at', 'is', null).returningAll().executeTakeFirst();
      if (won) return { status: 'ok', code: toCode(won as AuthCodeRow) };
      const seen = await db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', hash).executeTakeFirst();
      return seen ? { status: 'reused', code: toCode(seen as AuthCodeRow) } : { status: 'unknown' };
    },
  };
}
