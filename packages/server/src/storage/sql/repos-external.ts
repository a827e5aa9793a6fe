import type { Kysely } from 'kysely';
import type { ExternalIdentityRepos } from '../port.ts';

/** The `external_identities` table (migration 0007): an outside issuer's subject → our account. */
export function externalIdentityRepos(db: Kysely<any>): ExternalIdentityRepos {
  return {
    async findExternalIdentity(issuer, subject) {
      const row = await db.selectFrom('external_identities').select(['account_id', 'last_seen_at']).where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
      return row ? { account_id: row.account_id as string, last_seen_at: row.last_seen_at as string } : undefined;
    },
    async insertExternalIdentity(row) {
      // ON CONFLICT DO NOTHING: both databases report no row inserted when the pair exists.
      const result = await db.insertInto('external_identities').values(row).onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async listExternalIdentitiesOf(accountId) {
      const rows = await db.selectFrom('external_identities').select(['issuer', 'subject', 'created_at', 'last_seen_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
      return rows.map((r) => ({ issuer: r.issuer as string, subject: r.subject as string, created_at: r.created_at as string, last_seen_at: r.last_seen_at as string }));
    },
    async touchExternalIdentity(issuer, subject, at) {
      await db.updateTable('external_identities').set({ last_seen_at: at }).where('issuer', '=', issuer).where('subject', '=', subject).execute();
    },
  };
}
