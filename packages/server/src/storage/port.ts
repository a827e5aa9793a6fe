import type { FieldValue } from '@profiled/core';
import type { Migration } from './sql/migrations.ts';

/**
 * The storage port: everything the services need from a database, in domain terms.
 * Implementations live in `storage/<db>/`; nothing outside them imports a driver, and
 * nothing branches on which database is behind the port.
 */

export interface OrgRow {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly settings: OrgSettings;
  readonly created_at: string;
}

export interface OrgSettings {
  readonly password_policy?: Partial<PasswordPolicy>;
  /** When true, unknown skill and interest names in a profile write are added to the vocabulary instead of refused. */
  readonly vocabulary_free_entry?: boolean;
  /** `required`: every member signs in with a second factor (issue 22); absent: optional. */
  readonly mfa?: 'required' | 'optional';
  /** False: no mail about a sign-in from a device not seen before (absent: mailed). */
  readonly new_device_notice?: boolean;
}

export interface PasswordPolicy {
  readonly min_length: number;
  readonly max_length: number;
  /** Lowest acceptable zxcvbn score, 0–4. */
  readonly min_score: number;
}

export type AccountKind = 'human' | 'service' | 'admin';
/** `deleting`: self-deletion asked, in its grace period (a sign-in restores it); `deleted`: personal data erased. */
export type AccountStatus = 'active' | 'disabled' | 'deleting' | 'deleted';

export interface AccountRow {
  readonly id: string;
  readonly username: string;
  readonly email: string | null;
  readonly kind: AccountKind;
  readonly password_hash: string | null;
  readonly status: AccountStatus;
  readonly default_org_id: string;
  readonly created_at: string;
  readonly updated_at: string;
  /** When the person asked for the account to be deleted (status `deleting`). */
  readonly deletion_requested_at?: string | null;
}

/** A profile with its registry values, joined with its account's registry values. */
export interface ProfileRecord {
  readonly id: string;
  readonly account_id: string;
  readonly org_id: string;
  readonly version: number;
  /** A small integer, unique across profiles: for wires whose ids are numbers. */
  readonly number: number;
  readonly created_at: string;
  readonly updated_at: string;
  /** How many profiles follow this one, and how many it follows. */
  readonly followers: number;
  readonly following: number;
  /** How many changes of this profile wait for a code (issue 10); only then are they read. */
  readonly pending_changes: number;
  /** Canonical field name → value, for every stored registry field (profile and account). */
  readonly values: Readonly<Record<string, FieldValue>>;
}

export interface ProfileSummaryRow {
  readonly id: string;
  readonly number: number;
  readonly org_id: string;
  readonly org_slug: string;
  readonly org_name: string;
  readonly display_name: string;
  readonly version: number;
}

/** One changed field in an event; a secret's change is recorded without its values. */
export interface FieldChange {
  readonly field: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

export interface EventRow {
  readonly profile_id: string;
  readonly version: number;
  readonly kind: string;
  readonly actor_id: string | null;
  readonly at: string;
  readonly changes: readonly FieldChange[];
}

export interface SessionRow {
  readonly id: string;
  readonly account_id: string;
  readonly profile_id: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
  /** The OpenID scopes granted (authorization-code sessions); null: everything (the password grant). */
  readonly scope?: string | null;
  /** The device list's facts (migration 0013): the client, a user-agent summary, the address with its last part hidden, how it signed in (RFC 8176 values, space-separated). */
  readonly client_id?: string | null;
  readonly user_agent?: string | null;
  readonly ip?: string | null;
  readonly amr?: string | null;
  readonly last_seen_at?: string | null;
}

export interface SigningKeyRow {
  readonly kid: string;
  readonly alg: string;
  readonly private_jwk: string;
  readonly public_jwk: string;
  readonly created_at: string;
}

export interface ApiKeyRow {
  readonly id: string;
  readonly account_id: string;
  readonly prefix: string;
  readonly key_hash: string;
  readonly name: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly revoked_at: string | null;
}

/** The per-org vocabularies: skills (also technical interests), investment interests, profile tags. */
export type VocabularyKind = 'skill' | 'investment_interest' | 'tag';

export interface VocabularyEntryRow {
  readonly id: number;
  readonly org_id: string;
  readonly kind: VocabularyKind;
  readonly name: string;
  readonly description: string | null;
  readonly created_at: string;
}

export type RefreshOutcome =
  | { readonly status: 'ok'; readonly sessionId: string }
  | { readonly status: 'reused'; readonly sessionId: string }
  | { readonly status: 'expired'; readonly sessionId: string }
  | { readonly status: 'unknown' };

/** A registered OpenID Connect client. Redirect URIs are matched exactly. */
export interface OAuthClientRow {
  readonly id: string;
  readonly name: string;
  /** `public` (PKCE only, e.g. a browser app) or `confidential` (also a client secret). */
  readonly type: 'public' | 'confidential';
  readonly secret_hash: string | null;
  readonly redirect_uris: readonly string[];
  readonly post_logout_redirect_uris: readonly string[];
  readonly created_at: string;
}

export interface AuthCodeRow {
  readonly code_hash: string;
  readonly client_id: string;
  readonly redirect_uri: string;
  readonly code_challenge: string;
  readonly scope: string;
  readonly nonce: string | null;
  readonly account_id: string;
  readonly session_id: string;
  /** Seconds since the epoch: when the person signed in. */
  readonly auth_time: number;
  readonly expires_at: string;
}

export type AuthCodeOutcome =
  | { readonly status: 'ok'; readonly code: AuthCodeRow }
  | { readonly status: 'reused'; readonly code: AuthCodeRow }
  | { readonly status: 'unknown' };

export interface OAuthRepos {
  insertOAuthClient(client: OAuthClientRow): Promise<void>;
  findOAuthClient(id: string): Promise<OAuthClientRow | undefined>;
  listOAuthClients(): Promise<OAuthClientRow[]>;
  insertAuthCode(code: AuthCodeRow): Promise<void>;
  /** Marks the code used; of two concurrent redemptions exactly one gets `ok`. */
  consumeAuthCode(hash: string, now: string): Promise<AuthCodeOutcome>;
}

import type { ChangeUndoRow, OutboxRow, PendingChangeRow, WebhookDeliveryRow, WebhookEndpointRow } from './lifecycle-rows.ts';
export type { ChangeUndoRow, OutboxRow, PendingChangeRow, WebhookDeliveryRow, WebhookEndpointRow } from './lifecycle-rows.ts';

/** The account lifecycle: export, deletion, outbox, webhooks, verified changes. */
export interface LifecycleRepos {
  listSessionsOf(accountId: string): Promise<SessionRow[]>;
  /** Whom the profile follows, and who follows it. */
  listFollowsOf(profileId: string): Promise<{ following: { profile_id: string; created_at: string }[]; followers: { profile_id: string; created_at: string }[] }>;
  setAccountStatus(id: string, status: AccountStatus, deletionRequestedAt: string | null, at: string): Promise<void>;
  revokeApiKeysOf(accountId: string, at: string): Promise<number>;
  /** Accounts in their grace period that began before `before`. */
  listAccountsDueForPurge(before: string): Promise<AccountRow[]>;
  /** Accounts in their grace period that began at or after `from`: still scheduled, oldest request first. */
  listAccountsScheduledForPurge(from: string): Promise<AccountRow[]>;
  /** Erases personal data: a placeholder account, `profileValues` (defaults), events without values; follows, sessions, keys, codes, mail removed. */
  eraseAccount(id: string, placeholder: { username: string; at: string }, profileValues: Readonly<Record<string, FieldValue>>): Promise<void>;

  /** Active accounts with an email whose profile in `orgId` has the boolean registry field `flag` set (one profile when given). */
  listNotifiable(orgId: string, flag: string, profileId?: string): Promise<{ profile_id: string; account_id: string; email: string }[]>;
  insertOutbox(row: Pick<OutboxRow, 'topic' | 'account_id' | 'idempotency_key' | 'payload' | 'created_at'>): Promise<void>;
  /** Leases up to `limit` due messages to `owner`: one conditional UPDATE, so each row goes to one claimer. */
  claimOutbox(owner: string, now: string, leaseUntil: string, limit: number): Promise<OutboxRow[]>;
  /** Settles a leased message; false when the lease was lost meanwhile. */
  settleOutbox(id: number, owner: string, outcome: { sent_at: string; payload?: unknown } | { error: string; next_attempt_at: string; failed_at: string | null }): Promise<boolean>;
  listOutbox(opts: { topic?: string; limit: number }): Promise<OutboxRow[]>;
  findOutbox(id: number): Promise<OutboxRow | undefined>;
  /** Queues a message again (sent, failed or not), keeping its idempotency key. */
  requeueOutbox(id: number, now: string): Promise<boolean>;

  insertWebhookEndpoint(row: WebhookEndpointRow): Promise<void>;
  listWebhookEndpoints(): Promise<WebhookEndpointRow[]>;
  findWebhookEndpoint(id: string): Promise<WebhookEndpointRow | undefined>;
  insertWebhookDelivery(row: Omit<WebhookDeliveryRow, 'id'>): Promise<void>;
  listWebhookDeliveries(opts: { endpointId?: string; outboxId?: number; limit: number }): Promise<WebhookDeliveryRow[]>;

  /** Replaces any pending change of the same field of the profile. */
  upsertPendingChange(row: PendingChangeRow): Promise<void>;
  findPendingChange(profileId: string, field: string): Promise<PendingChangeRow | undefined>;
  listPendingChangesOf(accountId: string): Promise<PendingChangeRow[]>;
  listPendingChangesOfProfile(profileId: string): Promise<PendingChangeRow[]>;
  /** Counts a wrong code; answers the new count. */
  countPendingAttempt(id: string): Promise<number>;
  deletePendingChange(id: string): Promise<void>;
  insertChangeUndo(row: ChangeUndoRow): Promise<void>;
  /** Marks an undo link used exactly once; undefined when unknown or already used. */
  consumeChangeUndo(hash: string, now: string): Promise<ChangeUndoRow | undefined>;
  /** An unused undo by its token hash, without using it (the confirmation page). */
  findChangeUndo(hash: string): Promise<ChangeUndoRow | undefined>;
}

import type { AccountTokenRepos } from './account-token-rows.ts';
export type { AccountTokenPurpose, AccountTokenRepos, AccountTokenRow } from './account-token-rows.ts';
import type { MfaRepos } from './mfa-rows.ts';
export type { FactorKind, FactorRow, LiveSessionRow, MfaRepos, PasskeyRow, SignInChallengeRow, WebAuthnChallengeRow } from './mfa-rows.ts';

import type { UploadRepos } from './upload-rows.ts';
export type { BlobRow, UploadFileRow, UploadKind, UploadRepos } from './upload-rows.ts';

/** Accounts known by an outside identity provider's subject (OIDC_TRUSTED_ISSUER). */
export interface ExternalIdentityRepos {
  findExternalIdentity(issuer: string, subject: string): Promise<{ account_id: string; last_seen_at: string } | undefined>;
  /** False when the (issuer, subject) pair is taken already (a concurrent first sight). */
  insertExternalIdentity(row: { issuer: string; subject: string; account_id: string; created_at: string; last_seen_at: string }): Promise<boolean>;
  touchExternalIdentity(issuer: string, subject: string, at: string): Promise<void>;
  listExternalIdentitiesOf(accountId: string): Promise<{ issuer: string; subject: string; created_at: string; last_seen_at: string }[]>;
}

/** What a bulk import (issue 19) reads in bulk, and the sign-in's upgrade of an imported hash. */
export interface ImportRepos {
  /** Accounts whose username or email, lower-cased, is one of `logins` (given lower-cased). */
  findAccountsByLogins(logins: readonly string[]): Promise<AccountRow[]>;
  /** The profiles in `orgId` of these accounts (at most one each). */
  findProfilesOfAccounts(accountIds: readonly string[], orgId: string): Promise<ProfileRecord[]>;
  /** Replaces the password hash only if it is still `from` (a password changed meanwhile wins); false otherwise. */
  upgradePasswordHash(id: string, from: string, to: string, updatedAt: string): Promise<boolean>;
  /** {@link Repos.insertAccount} for many, a few statements in all; a taken username or email fails them all. */
  insertAccounts(accounts: readonly AccountRow[]): Promise<void>;
  /** {@link Repos.insertProfile} for many profiles with the same fields given. */
  insertProfiles(profiles: readonly Parameters<Repos['insertProfile']>[0][]): Promise<void>;
  insertEvents(events: readonly EventRow[]): Promise<void>;
}

/** The operations, usable inside and outside a transaction. */
export interface Repos extends OAuthRepos, LifecycleRepos, ExternalIdentityRepos, AccountTokenRepos, ImportRepos, MfaRepos, UploadRepos {
  insertOrg(org: OrgRow): Promise<void>;
  findOrg(by: { id: string } | { slug: string }): Promise<OrgRow | undefined>;

  insertAccount(account: AccountRow): Promise<void>;
  findAccount(id: string): Promise<AccountRow | undefined>;
  /** By username or email, case-insensitively. */
  findAccountByLogin(login: string): Promise<AccountRow | undefined>;
  /** Is `value` the username or the email of an account other than `exceptId`? Both fields share one namespace, since sign-in accepts either. */
  isTaken(field: 'username' | 'email', value: string, exceptId?: string): Promise<boolean>;
  updateAccount(id: string, changes: Readonly<Record<string, FieldValue>>, updatedAt: string): Promise<void>;
  setPasswordHash(id: string, hash: string, updatedAt: string): Promise<void>;

  /** The profile's number is assigned by the database. */
  insertProfile(profile: Omit<ProfileRecord, 'values' | 'followers' | 'following' | 'pending_changes' | 'number'> & { values: Readonly<Record<string, FieldValue>> }): Promise<void>;
  /** `lock` takes a row lock until the transaction ends, where the database has them. */
  findProfile(id: string, opts?: { lock?: boolean }): Promise<ProfileRecord | undefined>;
  /** The profile with this small integer number (see migration 0004). */
  findProfileByNumber(number: number): Promise<ProfileRecord | undefined>;
  findProfileOf(accountId: string, orgId: string): Promise<ProfileRecord | undefined>;
  listProfilesOf(accountId: string): Promise<ProfileSummaryRow[]>;
  updateProfile(id: string, changes: Readonly<Record<string, FieldValue>>, version: number, updatedAt: string): Promise<void>;
  /**
   * Public profiles of an org for the member directory, ordered by display name then id,
   * after the keyset cursor when given. The directory's records (this and the searches
   * below) carry the registry's public values only, and no pending count.
   */
  listPublicProfiles(orgId: string, opts: { after?: { name: string; id: string }; limit: number }): Promise<ProfileRecord[]>;
  /**
   * Public profiles of an org matching every term (full-text, as prefixes) and the tag when
   * given: best matches first, then by display name; `offset` pages through them.
   */
  searchPublicProfiles(orgId: string, opts: { terms: readonly string[]; tag?: string; offset: number; limit: number }): Promise<ProfileRecord[]>;
  /** {@link searchPublicProfiles} with the count of all matches, taken in the same pass (a window count). */
  searchPublicProfilesCounted(orgId: string, opts: { terms: readonly string[]; tag?: string; offset: number; limit: number }): Promise<{ records: ProfileRecord[]; total: number }>;
  /** How many public profiles of an org `searchPublicProfiles` would page through. */
  countPublicProfiles(orgId: string, opts: { terms: readonly string[]; tag?: string }): Promise<number>;
  followCounts(profileId: string): Promise<{ followers: number; following: number }>;
  followRelation(viewerId: string, profileId: string): Promise<{ following: boolean; followedBack: boolean }>;
  /** {@link followRelation} for a page of profiles in one query; every id asked for is in the map. */
  followRelations(viewerId: string, profileIds: readonly string[]): Promise<Map<string, { following: boolean; followedBack: boolean }>>;
  /**
   * What a kept rendering of a directory page depends on besides its query: the org's
   * directory version (0 before anything listed changed; see migration 0014), and whether
   * the viewer follows, or is followed by, any of these profiles.
   */
  directoryStamp(orgId: string, viewerId: string, profileIds: readonly string[]): Promise<{ version: number; related: boolean }>;
  /** Records that `followerId` follows `followeeId`; false when it already did. */
  insertFollow(followerId: string, followeeId: string, at: string): Promise<boolean>;
  /** Removes the relation; false when there was none. */
  deleteFollow(followerId: string, followeeId: string): Promise<boolean>;

  /** Adds an entry; `undefined` when the kind already has that name (compared case-insensitively). */
  insertVocabularyEntry(entry: Omit<VocabularyEntryRow, 'id'>): Promise<VocabularyEntryRow | undefined>;
  /** Entries of one kind, by id and/or by name (case-insensitively); everything of the kind when neither is given. */
  findVocabularyEntries(orgId: string, kind: VocabularyKind, by?: { ids?: readonly number[]; names?: readonly string[] }): Promise<VocabularyEntryRow[]>;
  /** Replaces an org's settings document. */
  updateOrgSettings(orgId: string, settings: OrgSettings): Promise<void>;

  insertEvent(event: EventRow): Promise<void>;
  /** Newest first, versions strictly below `beforeVersion` when given. */
  listEvents(profileId: string, opts: { beforeVersion?: number; limit: number }): Promise<EventRow[]>;

  insertSession(session: SessionRow): Promise<void>;
  findSession(id: string): Promise<SessionRow | undefined>;
  /** The session with its account's status and kind: the one read a bearer check needs. */
  findSessionWithAccount(id: string): Promise<(SessionRow & { status: AccountStatus; kind: AccountKind }) | undefined>;
  revokeSession(id: string, at: string): Promise<void>;
  /** Makes another of the account's profiles the session's active one. */
  setSessionProfile(id: string, profileId: string): Promise<void>;
  /** Revokes every live session of the account except `exceptId`; returns how many. */
  revokeSessionsOf(accountId: string, at: string, exceptId?: string): Promise<number>;
  insertRefreshToken(token: { hash: string; session_id: string; created_at: string; expires_at: string }): Promise<void>;
  /** Marks the token used exactly once; a second use reports `reused`. */
  consumeRefreshToken(hash: string, now: string): Promise<RefreshOutcome>;

  listSigningKeys(): Promise<SigningKeyRow[]>;
  insertSigningKey(key: SigningKeyRow): Promise<void>;

  insertApiKey(key: ApiKeyRow): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRow | undefined>;
  listApiKeys(accountId: string): Promise<ApiKeyRow[]>;
  revokeApiKey(id: string, at: string): Promise<boolean>;
  touchApiKey(id: string, at: string): Promise<void>;

  /** Counts one hit against `key` in a fixed window; returns the count and the window's end (epoch ms). */
  hitRateLimit(key: string, windowMs: number, nowMs: number): Promise<{ count: number; resetAt: number }>;
  peekRateLimit(key: string, nowMs: number): Promise<{ count: number; resetAt: number } | undefined>;
  clearRateLimit(key: string): Promise<void>;
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly addedColumns: readonly string[];
}

/** Tables and columns as the database reports them (for checks against the registry). */
export interface SchemaInfo {
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, { readonly nullable: boolean; readonly dataType: string }>>;
}

export interface StorageCapabilities {
  /** For logs and health output only; code must not branch on it. */
  readonly name: string;
  /** Whether `findProfile({lock: true})` takes a row lock (otherwise writers are serialised). */
  readonly rowLocks: boolean;
}

export interface Storage {
  readonly capabilities: StorageCapabilities;
  readonly repos: Repos;
  /** Runs `fn` in one transaction: its writes commit together, or none do. */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /**
   * Applies pending migrations and reconciles registry columns, under a lock. `migrations`
   * replaces the shipped list (tests use it to play a newer release).
   */
  migrate(opts?: { readonly migrations?: readonly Migration[] }): Promise<MigrationReport>;
  inspectSchema(): Promise<SchemaInfo>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
