import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { SqlFlavor } from './flavor.ts';
import { blobs } from './migration-0012-blobs.ts';
import { secondFactors } from './migration-0013-second-factors.ts';

/**
 * The numbered schema migrations. A migration is immutable once shipped: fix forward with a
 * new number. Registry field columns are not created here but by `reconcileRegistry`, so a
 * field added to the registry needs no migration (only additive changes are made that way).
 */
export interface Migration {
  readonly name: string;
  up(db: Kysely<any>, flavor: SqlFlavor, now: string): Promise<void>;
}

export const migrations: readonly Migration[] = [
  {
    name: '0001_initial',
    async up(db, f, now) {
      const t = f.types;
      await db.schema
        .createTable('orgs')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('slug', t.text, (c) => c.notNull().unique())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('settings', t.json, (c) => c.notNull())
        .addColumn('created_at', t.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('accounts')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('username', t.text, (c) => c.notNull())
        .addColumn('email', t.text)
        .addColumn('kind', t.text, (c) => c.notNull())
        .addColumn('password_hash', t.text)
        .addColumn('status', t.text, (c) => c.notNull())
        .addColumn('default_org_id', t.text, (c) => c.notNull().references('orgs.id'))
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('updated_at', t.text, (c) => c.notNull())
        .execute();
      await sql`create unique index accounts_username_ci on accounts (lower(username))`.execute(db);
      await sql`create unique index accounts_email_ci on accounts (lower(email))`.execute(db);

      await db.schema
        .createTable('profiles')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('org_id', t.text, (c) => c.notNull().references('orgs.id'))
        .addColumn('version', t.integer, (c) => c.notNull())
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('updated_at', t.text, (c) => c.notNull())
        .addUniqueConstraint('profiles_account_org', ['account_id', 'org_id'])
        .execute();
      await db.schema.createIndex('profiles_org').on('profiles').column('org_id').execute();

      await db.schema
        .createTable('events')
        .addColumn('id', sql.raw(f.autoIncrementPrimaryKey))
        .addColumn('profile_id', t.text, (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('version', t.integer, (c) => c.notNull())
        .addColumn('kind', t.text, (c) => c.notNull())
        .addColumn('actor_id', t.text)
        .addColumn('at', t.text, (c) => c.notNull())
        .addColumn('changes', t.json, (c) => c.notNull())
        .addUniqueConstraint('events_profile_version', ['profile_id', 'version'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('profile_id', t.text, (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('revoked_at', t.text)
        .execute();
      await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', t.text, (c) => c.primaryKey())
        .addColumn('session_id', t.text, (c) => c.notNull().references('sessions.id').onDelete('cascade'))
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('expires_at', t.text, (c) => c.notNull())
        .addColumn('used_at', t.text)
        .execute();
      await db.schema.createIndex('refresh_tokens_session').on('refresh_tokens').column('session_id').execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', t.text, (c) => c.primaryKey())
        .addColumn('alg', t.text, (c) => c.notNull())
        .addColumn('private_jwk', t.text, (c) => c.notNull())
        .addColumn('public_jwk', t.text, (c) => c.notNull())
        .addColumn('created_at', t.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('prefix', t.text, (c) => c.notNull())
        .addColumn('key_hash', t.text, (c) => c.notNull().unique())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('last_used_at', t.text)
        .addColumn('revoked_at', t.text)
        .execute();

      await db.schema
        .createTable('rate_limits')
        .addColumn('key', t.text, (c) => c.primaryKey())
        .addColumn('count', t.integer, (c) => c.notNull())
        .addColumn('reset_at', t.bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('follows')
        .addColumn('follower_id', t.text, (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('followee_id', t.text, (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'followee_id'])
        .execute();
      await db.schema.createIndex('follows_followee').on('follows').column('followee_id').execute();

      await db
        .insertInto('orgs')
        .values({ id: randomUUID(), slug: 'default', name: 'Default', settings: f.encodeJson({}), created_at: now })
        .execute();
    },
  },
  {
    // Per-org vocabularies (skills, investment interests, tags). `name_key` is the name folded
    // in JavaScript, so both databases compare names the same way.
    name: '0002_vocabularies',
    async up(db, f) {
      const t = f.types;
      await db.schema
        .createTable('vocabulary_entries')
        .addColumn('id', sql.raw(f.autoIncrementPrimaryKey))
        .addColumn('org_id', t.text, (c) => c.notNull().references('orgs.id').onDelete('cascade'))
        .addColumn('kind', t.text, (c) => c.notNull())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('name_key', t.text, (c) => c.notNull())
        .addColumn('description', t.text)
        .addColumn('created_at', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('vocabulary_entries_name').on('vocabulary_entries').columns(['org_id', 'kind', 'name_key']).unique().execute();
    },
  },
  {
    // The directory's full-text index over the searchable registry columns. The list is this
    // migration's own: making another field searchable takes a new migration.
    name: '0003_directory_search',
    async up(db, f) {
      await f.search.createIndex(db, SEARCH_COLUMNS);
    },
  },
  {
    // A small integer per profile, for wires whose ids are numbers (Nexudus' coworker Id).
    name: '0004_profile_numbers',
    async up(db, f) {
      await f.addSequenceColumn(db, 'profiles', 'number');
    },
  },
  {
    // Account lifecycle (issue 10): the transactional outbox (mail and webhooks), webhook
    // endpoints and their delivery log, pending verified changes and their undo links, and
    // the self-deletion grace period.
    name: '0005_account_lifecycle',
    async up(db, f) {
      const t = f.types;
      await db.schema.alterTable('accounts').addColumn('deletion_requested_at', t.text).execute();
      await db.schema
        .createTable('outbox')
        .addColumn('id', sql.raw(f.autoIncrementPrimaryKey))
        .addColumn('topic', t.text, (c) => c.notNull())
        .addColumn('account_id', t.text)
        .addColumn('idempotency_key', t.text, (c) => c.notNull().unique())
        .addColumn('payload', t.text, (c) => c.notNull())
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('attempts', t.integer, (c) => c.notNull())
        .addColumn('next_attempt_at', t.text, (c) => c.notNull())
        .addColumn('lease_owner', t.text)
        .addColumn('lease_until', t.text)
        .addColumn('sent_at', t.text)
        .addColumn('failed_at', t.text)
        .addColumn('last_error', t.text)
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['sent_at', 'failed_at', 'next_attempt_at']).execute();
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('url', t.text, (c) => c.notNull())
        .addColumn('secret', t.text, (c) => c.notNull())
        .addColumn('events', t.text, (c) => c.notNull())
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('disabled_at', t.text)
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', sql.raw(f.autoIncrementPrimaryKey))
        .addColumn('outbox_id', t.bigint, (c) => c.notNull())
        .addColumn('endpoint_id', t.text, (c) => c.notNull())
        .addColumn('attempt', t.integer, (c) => c.notNull())
        .addColumn('at', t.text, (c) => c.notNull())
        .addColumn('status_code', t.integer)
        .addColumn('error', t.text)
        .addColumn('duration_ms', t.integer, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_deliveries_outbox').on('webhook_deliveries').column('outbox_id').execute();
      await db.schema
        .createTable('pending_changes')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('profile_id', t.text, (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('field', t.text, (c) => c.notNull())
        .addColumn('value', t.text, (c) => c.notNull())
        .addColumn('code_hash', t.text, (c) => c.notNull())
        .addColumn('attempts', t.integer, (c) => c.notNull())
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('expires_at', t.text, (c) => c.notNull())
        .addUniqueConstraint('pending_changes_profile_field', ['profile_id', 'field'])
        .execute();
      await db.schema
        .createTable('change_undos')
        .addColumn('token_hash', t.text, (c) => c.primaryKey())
        .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('profile_id', t.text, (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('field', t.text, (c) => c.notNull())
        .addColumn('old_value', t.text)
        .addColumn('new_value', t.text)
        .addColumn('expires_at', t.text, (c) => c.notNull())
        .addColumn('used_at', t.text)
        .execute();
    },
  },
  {
    // OpenID Connect: registered clients and single-use authorization codes (stored hashed).
    name: '0006_oauth_clients',
    async up(db, f) {
      const t = f.types;
      await db.schema
        .createTable('oauth_clients')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('secret_hash', t.text)
        .addColumn('redirect_uris', t.text, (c) => c.notNull())
        .addColumn('post_logout_redirect_uris', t.text, (c) => c.notNull())
        .addColumn('created_at', t.text, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('oauth_codes')
        .addColumn('code_hash', t.text, (c) => c.primaryKey())
        .addColumn('client_id', t.text, (c) => c.notNull())
        .addColumn('redirect_uri', t.text, (c) => c.notNull())
        .addColumn('code_challenge', t.text, (c) => c.notNull())
        .addColumn('scope', t.text, (c) => c.notNull())
        .addColumn('nonce', t.text)
        .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('session_id', t.text, (c) => c.notNull())
        .addColumn('auth_time', t.bigint, (c) => c.notNull())
        .addColumn('expires_at', t.text, (c) => c.notNull())
        .addColumn('used_at', t.text)
        .execute();
      await db.schema.alterTable('sessions').addColumn('scope', t.text).execute();
    },
  },
  {
    // Accounts of an outside identity provider, by its issuer and subject.
    name: '0007_external_identities',
    async up(db, f) {
      const t = f.types;
      await db.schema
        .createTable('external_identities')
        .addColumn('issuer', t.text, (c) => c.notNull())
        .addColumn('subject', t.text, (c) => c.notNull())
        .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('created_at', t.text, (c) => c.notNull())
        .addColumn('last_seen_at', t.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('external_identities_pk', ['issuer', 'subject'])
        .execute();
      await db.schema.createIndex('external_identities_account').on('external_identities').column('account_id').execute();
    },
  },
  {
    // PostgreSQL's search vector split words with its text parser, which reads `12-7-x9` as
    // numbers and `example.com` as one token: parts of them could not be found, as they can
    // on SQLite. Built again with Profiled's own word split (storage/postgres/search.ts).
    name: '0008_search_words',
    async up(db, f) {
      await f.search.rebuildIndex(db, SEARCH_COLUMNS);
    },
  },
  {
    // Single-use links (issue 19): password reset and invitation, stored only as a SHA-256.
    name: '0009_account_tokens',
    async up(db, f) {
      const t = f.types;
      await db.schema
        .createTable('account_tokens')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('purpose', t.text, (c) => c.notNull())
        .addColumn('account_id', t.text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('token_hash', t.text, (c) => c.notNull().unique())
        .addColumn('expires_at', t.text, (c) => c.notNull())
        .addColumn('used_at', t.text)
        .addColumn('created_at', t.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('account_tokens_account').on('account_tokens').columns(['account_id', 'purpose']).execute();
    },
  },
  {
    // PostgreSQL: the word split of 0008 folded diacritics over every document, even all-ASCII
    // ones it cannot change, and was most of a profile insert's cost (a bulk import of 100 000
    // members, issue 19). The same function, skipping that fold; the vectors are unchanged.
    name: '0010_search_words_ascii',
    async up(db, f) {
      await f.search.replaceFunctions(db);
    },
  },
  {
    // The directory at scale (issue 20): the org and the visibility filters move inside the
    // index, so a search reads the org searched, not the installation. Orgs get numbers,
    // which scope SQLite's index keys.
    name: '0011_directory_scoped',
    async up(db, f) {
      await f.addSequenceColumn(db, 'orgs', 'number');
      await f.search.createDirectoryIndex(db, SEARCH_COLUMNS);
    },
  },
  {
    // Uploaded pictures and résumés (issue 23): content-addressed blobs and who refers to them.
    name: '0012_blobs',
    up: (db, f) => blobs(db, f),
  },
  {
    // Second factors, recovery codes, sign-in challenges and the device list (issue 22).
    name: '0013_second_factors',
    up: (db, f) => secondFactors(db, f),
  },
  {
    // Rendered directory pages are kept while their org's directory version holds (issue 20).
    name: '0014_directory_versions',
    up: (db, f) => f.search.createDirectoryVersions(db),
  },
];

/** The columns migration 0003 indexes; a test holds them equal to the registry's searchable fields. */
export const SEARCH_COLUMNS = ['display_name', 'position', 'company_name', 'business_area', 'summary', 'tags'] as const;
