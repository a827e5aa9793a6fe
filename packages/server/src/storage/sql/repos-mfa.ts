import type { Kysely } from 'kysely';
import type { FactorRow, MfaRepos, PasskeyRow, SignInChallengeRow, WebAuthnChallengeRow } from '../port.ts';

const factorOf = (row: Record<string, unknown>): FactorRow => ({ ...(row as unknown as FactorRow), last_step: row['last_step'] === null ? null : Number(row['last_step']) });

const passkeyOf = (row: Record<string, unknown>): PasskeyRow => ({ ...(row as unknown as PasskeyRow), counter: Number(row['counter']) });

/** Second factors, recovery codes and sign-in challenges (migration 0013), and the device list's reads. */
export function mfaRepos(db: Kysely<any>): MfaRepos {
  return {
    async insertFactor(row) {
      await db.insertInto('mfa_factors').values({ ...row }).execute();
    },
    async listFactorsOf(accountId) {
      const rows = await db.selectFrom('mfa_factors').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
      return rows.map(factorOf);
    },
    async confirmFactor(id, at, step) {
      const r = await db.updateTable('mfa_factors').set({ confirmed_at: at, last_step: step, last_used_at: at }).where('id', '=', id).where('confirmed_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async useFactorStep(id, step, at) {
      // One conditional UPDATE decides a replay: the step must move forward.
      const r = await db
        .updateTable('mfa_factors')
        .set({ last_step: step, last_used_at: at })
        .where('id', '=', id)
        .where('confirmed_at', 'is not', null)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async deleteFactor(id) {
      const r = await db.deleteFrom('mfa_factors').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteUnconfirmedFactorsOf(accountId) {
      await db.deleteFrom('mfa_factors').where('account_id', '=', accountId).where('confirmed_at', 'is', null).execute();
    },

    async replaceRecoveryCodes(accountId, hashes, at) {
      await db.deleteFrom('mfa_recovery_codes').where('account_id', '=', accountId).execute();
      if (hashes.length) await db.insertInto('mfa_recovery_codes').values(hashes.map((code_hash) => ({ account_id: accountId, code_hash, created_at: at, used_at: null }))).execute();
    },
    async useRecoveryCode(accountId, hash, at) {
      const r = await db.updateTable('mfa_recovery_codes').set({ used_at: at }).where('account_id', '=', accountId).where('code_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async countRecoveryCodes(accountId) {
      const row = await db.selectFrom('mfa_recovery_codes').select((eb) => eb.fn.countAll().as('n')).where('account_id', '=', accountId).where('used_at', 'is', null).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async deleteRecoveryCodesOf(accountId) {
      await db.deleteFrom('mfa_recovery_codes').where('account_id', '=', accountId).execute();
    },

    async insertSignInChallenge(row) {
      await db.deleteFrom('sign_in_challenges').where('expires_at', '<', new Date(Date.parse(row.expires_at) - 3_600_000).toISOString()).execute();
      await db.insertInto('sign_in_challenges').values({ ...row }).execute();
    },
    async findSignInChallenge(hash, now) {
      return (await db.selectFrom('sign_in_challenges').selectAll().where('token_hash', '=', hash).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst()) as SignInChallengeRow | undefined;
    },
    async consumeSignInChallenge(hash, now) {
      const r = await db.updateTable('sign_in_challenges').set({ used_at: now }).where('token_hash', '=', hash).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async insertPasskey(row) {
      await db.insertInto('passkeys').values({ ...row }).execute();
    },
    async listPasskeysOf(accountId) {
      const rows = await db.selectFrom('passkeys').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
      return rows.map(passkeyOf);
    },
    async findPasskeyByCredential(credentialId) {
      const row = await db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
      return row && passkeyOf(row);
    },
    async usePasskey(id, counter, at) {
      const r = await db
        .updateTable('passkeys')
        .set({ counter, last_used_at: at })
        .where('id', '=', id)
        // An authenticator that keeps no counter sends 0 every time (WebAuthn §6.1.1).
        .where((eb) => eb.or([eb('counter', '<', counter), ...(counter === 0 ? [eb('counter', '=', 0)] : [])]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async deletePasskey(accountId, id) {
      const r = await db.deleteFrom('passkeys').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async insertWebAuthnChallenge(row) {
      // Ceremonies never finished leave their challenges: each new one sweeps the expired.
      await db.deleteFrom('webauthn_challenges').where('expires_at', '<', new Date(Date.parse(row.expires_at) - 3_600_000).toISOString()).execute();
      await db.insertInto('webauthn_challenges').values({ ...row }).execute();
    },
    async consumeWebAuthnChallenge(challenge, purpose, now) {
      const won = await db
        .updateTable('webauthn_challenges')
        .set({ used_at: now })
        .where('challenge', '=', challenge)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return won as WebAuthnChallengeRow | undefined;
    },

    async deviceSeen(accountId, userAgent, ip) {
      const same = await db
        .selectFrom('sessions')
        .select('id')
        .where('account_id', '=', accountId)
        .where('user_agent', userAgent === null ? 'is' : '=', userAgent)
        .where('ip', ip === null ? 'is' : '=', ip)
        .where('amr', 'is not', null)
        .limit(1)
        .executeTakeFirst();
      if (same) return 'seen';
      const any = await db.selectFrom('sessions').select('id').where('account_id', '=', accountId).where('amr', 'is not', null).limit(1).executeTakeFirst();
      return any ? 'new' : 'first';
    },
    async listLiveSessionsOf(accountId) {
      return db
        .selectFrom('sessions as s')
        .leftJoin('oauth_clients as c', 'c.id', 's.client_id')
        .select(['s.id', 's.created_at', 's.last_seen_at', 's.client_id', 'c.name as client_name', 's.user_agent', 's.ip', 's.amr'])
        .where('s.account_id', '=', accountId)
        .where('s.revoked_at', 'is', null)
        .orderBy('s.created_at', 'desc')
        .orderBy('s.id')
        .execute();
    },
    async touchSession(id, at) {
      await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
  };
}
