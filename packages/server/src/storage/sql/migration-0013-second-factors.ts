import type { Kysely } from 'kysely';
import type { SqlFlavor } from './flavor.ts';

/**
 * Migration 0013 (issue 22): second factors, single-use recovery codes (only their SHA-256),
 * half-done sign-ins waiting for a code, passkeys (WebAuthn credentials) and their
 * challenges, and what the device list tells of each session.
 */
export async function secondFactors(db: Kysely<any>, f: SqlFlavor): Promise<void> {
  const t = f.types;
  await db.schema
    .createTable('mfa_factors')
    .addColumn('id', t.text, (c) => c.primaryKey())
    .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('secret', t.text, (c) => c.notNull())
    .addColumn('confirmed_at', t.text)
    .addColumn('last_step', t.bigint)
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addColumn('last_used_at', t.text)
    .execute();
  await db.schema.createIndex('mfa_factors_account').on('mfa_factors').column('account_id').execute();

  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('code_hash', t.text, (c) => c.notNull())
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addColumn('used_at', t.text)
    .addPrimaryKeyConstraint('mfa_recovery_codes_pk', ['account_id', 'code_hash'])
    .execute();

  await db.schema
    .createTable('sign_in_challenges')
    .addColumn('token_hash', t.text, (c) => c.primaryKey())
    .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('profile_id', t.text, (c) => c.notNull())
    .addColumn('step', t.text, (c) => c.notNull())
    .addColumn('expires_at', t.text, (c) => c.notNull())
    .addColumn('used_at', t.text)
    .addColumn('created_at', t.text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_challenges_expiry').on('sign_in_challenges').column('expires_at').execute();

  await db.schema
    .createTable('passkeys')
    .addColumn('id', t.text, (c) => c.primaryKey())
    .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('credential_id', t.text, (c) => c.notNull().unique())
    .addColumn('public_key', t.text, (c) => c.notNull())
    .addColumn('counter', t.bigint, (c) => c.notNull())
    .addColumn('transports', t.text, (c) => c.notNull())
    .addColumn('device_type', t.text, (c) => c.notNull())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addColumn('last_used_at', t.text)
    .execute();
  await db.schema.createIndex('passkeys_account').on('passkeys').column('account_id').execute();

  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('challenge', t.text, (c) => c.primaryKey())
    .addColumn('purpose', t.text, (c) => c.notNull())
    .addColumn('account_id', t.text, (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('expires_at', t.text, (c) => c.notNull())
    .addColumn('used_at', t.text)
    .execute();
  await db.schema.createIndex('webauthn_challenges_expiry').on('webauthn_challenges').column('expires_at').execute();

  for (const column of ['client_id', 'user_agent', 'ip', 'amr', 'last_seen_at']) {
    await db.schema.alterTable('sessions').addColumn(column, t.text).execute();
  }
}
