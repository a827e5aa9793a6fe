import type { CompiledRegistry } from '@profiled/core';
import { sql, type Kysely } from 'kysely';
import type { AccountRow, ChangeUndoRow, FieldChange, LifecycleRepos, OutboxRow, PendingChangeRow, SessionRow, WebhookDeliveryRow, WebhookEndpointRow } from '../port.ts';
import { encodeValue, type SqlFlavor } from './flavor.ts';
import { createTemplateCache, runTemplate, type TemplateCache } from './prepared.ts';

// Payloads and event lists are stored as JSON text, so both databases hand back the same thing.
const toOutbox = (r: Record<string, unknown>): OutboxRow => ({
  ...(r as unknown as OutboxRow),
  id: Number(r['id']),
  attempts: Number(r['attempts']),
  payload: JSON.parse(r['payload'] as string),
});
const toEndpoint = (r: Record<string, unknown>): WebhookEndpointRow => ({ ...(r as unknown as WebhookEndpointRow), events: JSON.parse(r['events'] as string) });
const toDelivery = (r: Record<string, unknown>): WebhookDeliveryRow => ({
  ...(r as unknown as WebhookDeliveryRow),
  id: Number(r['id']),
  outbox_id: Number(r['outbox_id']),
  attempt: Number(r['attempt']),
  status_code: r['status_code'] === null ? null : Number(r['status_code']),
  duration_ms: Number(r['duration_ms']),
});

const toPending = (r: PendingChangeRow): PendingChangeRow => ({ ...r, attempts: Number(r.attempts) });

/** Export, deletion and erasure, the outbox, webhooks and pending verified changes. */
export function lifecycleRepos(db: Kysely<any>, f: SqlFlavor, reg: CompiledRegistry, templates: TemplateCache = createTemplateCache()): LifecycleRepos {
  return {
    async listSessionsOf(accountId) {
      return (await db.selectFrom('sessions').select(['id', 'account_id', 'profile_id', 'created_at', 'revoked_at', 'scope', 'client_id', 'user_agent', 'ip', 'amr', 'last_seen_at']).where('account_id', '=', accountId).orderBy('created_at').execute()) as SessionRow[];
    },
    async listFollowsOf(profileId) {
      const following = await db.selectFrom('follows').select(['followee_id as profile_id', 'created_at']).where('follower_id', '=', profileId).orderBy('created_at').execute();
      const followers = await db.selectFrom('follows').select(['follower_id as profile_id', 'created_at']).where('followee_id', '=', profileId).orderBy('created_at').execute();
      return { following: following as { profile_id: string; created_at: string }[], followers: followers as { profile_id: string; created_at: string }[] };
    },
    async setAccountStatus(id, status, deletionRequestedAt, at) {
      await db.updateTable('accounts').set({ status, deletion_requested_at: deletionRequestedAt, updated_at: at }).where('id', '=', id).execute();
    },
    async revokeApiKeysOf(accountId, at) {
      const r = await db.updateTable('api_keys').set({ revoked_at: at }).where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async listAccountsDueForPurge(before) {
      return (await db.selectFrom('accounts').selectAll().where('status', '=', 'deleting').where('deletion_requested_at', '<', before).orderBy('deletion_requested_at').execute()) as AccountRow[];
    },
    async listAccountsScheduledForPurge(from) {
      // The complement of listAccountsDueForPurge for the same instant: together they hold every `deleting` account with a request time.
      return (await db.selectFrom('accounts').selectAll().where('status', '=', 'deleting').where('deletion_requested_at', '>=', from).orderBy('deletion_requested_at').execute()) as AccountRow[];
    },
    async eraseAccount(id, placeholder, profileValues) {
      const profiles = (await db.selectFrom('profiles').select('id').where('account_id', '=', id).execute()).map((r) => r.id as string);
      const row: Record<string, unknown> = {};
      for (const def of reg.storedProfileFields) if (Object.hasOwn(profileValues, def.name)) row[def.name] = encodeValue(f, def, profileValues[def.name]!);
      for (const profileId of profiles) {
        await db.updateTable('profiles').set({ ...row, updated_at: placeholder.at }).where('id', '=', profileId).execute();
        await db.deleteFrom('follows').where((eb) => eb.or([eb('follower_id', '=', profileId), eb('followee_id', '=', profileId)])).execute();
        // Events keep the non-personal facts: which fields changed, when, in which version.
        const events = await db.selectFrom('events').select(['id', 'changes']).where('profile_id', '=', profileId).execute();
        for (const e of events) {
          const changes = (f.decodeJson(e.changes) ?? []) as FieldChange[];
          await db.updateTable('events').set({ changes: f.encodeJson(changes.map((c) => ({ field: c.field }))), actor_id: sql`case when actor_id = ${id} then null else actor_id end` }).where('id', '=', e.id).execute();
        }
      }
      await db.deleteFrom('sessions').where('account_id', '=', id).execute();
      await db.deleteFrom('api_keys').where('account_id', '=', id).execute();
      // The outside subject is a personal identifier too; a later token of it starts afresh.
      await db.deleteFrom('external_identities').where('account_id', '=', id).execute();
      await db.deleteFrom('oauth_codes').where('account_id', '=', id).execute();
      // Second factors and their challenges (issue 22): secrets and device facts of the person.
      for (const table of ['mfa_factors', 'mfa_recovery_codes', 'passkeys', 'sign_in_challenges', 'webauthn_challenges']) await db.deleteFrom(table).where('account_id', '=', id).execute();
      await db.deleteFrom('pending_changes').where('account_id', '=', id).execute();
      await db.deleteFrom('change_undos').where('account_id', '=', id).execute();
      await db.deleteFrom('outbox').where('account_id', '=', id).where('topic', 'in', ['mail', 'sms']).execute();
      await db
        .updateTable('accounts')
        .set({ username: placeholder.username, email: null, password_hash: null, status: 'deleted', updated_at: placeholder.at })
        .where('id', '=', id)
        .execute();
    },
    async listNotifiable(orgId, flag, profileId) {
      const def = reg.storedProfileFields.find((d) => d.name === flag && d.type === 'boolean');
      if (!def) throw new Error(`${flag} is not a stored boolean field`);
      let q = db
        .selectFrom('profiles as p')
        .innerJoin('accounts as a', 'a.id', 'p.account_id')
        .select(['p.id as profile_id', 'a.id as account_id', 'a.email as email'])
        .where('p.org_id', '=', orgId)
        .where(`p.${def.name}`, '=', f.encodeBoolean(true))
        .where('a.status', '=', 'active')
        .where('a.email', 'is not', null);
      if (profileId) q = q.where('p.id', '=', profileId);
      return (await q.orderBy('p.id').execute()) as { profile_id: string; account_id: string; email: string }[];
    },

    async insertOutbox(row) {
      await db
        .insertInto('outbox')
        .values({ ...row, payload: JSON.stringify(row.payload), attempts: 0, next_attempt_at: row.created_at })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
    },
    async claimOutbox(owner, now, leaseUntil, limit) {
      const due = (q: any) => q.where('sent_at', 'is', null).where('failed_at', 'is', null).where('next_attempt_at', '<=', now).where((eb: any) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
      // The outer WHERE repeats the test: under PostgreSQL's READ COMMITTED a row another
      // process leased first is re-checked after its lock and skipped, so no row has two owners.
      const rows = await due(db.updateTable('outbox').set({ lease_owner: owner, lease_until: leaseUntil }))
        .where('id', 'in', due(db.selectFrom('outbox').select('id')).orderBy('id').limit(limit))
        .returningAll()
        .execute();
      return (rows as Record<string, unknown>[]).map(toOutbox).sort((a, b) => a.id - b.id);
    },
    async settleOutbox(id, owner, outcome) {
      const set: Record<string, unknown> =
        'sent_at' in outcome
          ? { sent_at: outcome.sent_at, lease_owner: null, lease_until: null, last_error: null, ...(outcome.payload !== undefined ? { payload: JSON.stringify(outcome.payload) } : {}) }
          : { last_error: outcome.error.slice(0, 500), next_attempt_at: outcome.next_attempt_at, failed_at: outcome.failed_at, lease_owner: null, lease_until: null };
      const r = await db
        .updateTable('outbox')
        .set((eb) => ({ ...set, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async listOutbox(opts) {
      let q = db.selectFrom('outbox').selectAll();
      if (opts.topic) q = q.where('topic', '=', opts.topic);
      return ((await q.orderBy('id', 'desc').limit(opts.limit).execute()) as Record<string, unknown>[]).map(toOutbox);
    },
    async findOutbox(id) {
      const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toOutbox(row) : undefined;
    },
    async requeueOutbox(id, now) {
      const r = await db.updateTable('outbox').set({ sent_at: null, failed_at: null, next_attempt_at: now, lease_owner: null, lease_until: null }).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async insertWebhookEndpoint(row) {
      await db.insertInto('webhook_endpoints').values({ ...row, events: JSON.stringify(row.events) }).execute();
    },
    async listWebhookEndpoints() {
      // Read by every change that may fire a webhook (each profile write): compiled once.
      const t = templates('listWebhookEndpoints', () => db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at'));
      return (await runTemplate<Record<string, unknown>>(db, t, {})).rows.map(toEndpoint);
    },
    async findWebhookEndpoint(id) {
      const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toEndpoint(row) : undefined;
    },
    async insertWebhookDelivery(row) {
      await db.insertInto('webhook_deliveries').values({ ...row }).execute();
    },
    async listWebhookDeliveries(opts) {
      let q = db.selectFrom('webhook_deliveries').selectAll();
      if (opts.endpointId) q = q.where('endpoint_id', '=', opts.endpointId);
      if (opts.outboxId !== undefined) q = q.where('outbox_id', '=', opts.outboxId);
      return ((await q.orderBy('id', 'desc').limit(opts.limit).execute()) as Record<string, unknown>[]).map(toDelivery);
    },

    async upsertPendingChange(row) {
      await db.deleteFrom('pending_changes').where('profile_id', '=', row.profile_id).where('field', '=', row.field).execute();
      await db.insertInto('pending_changes').values({ ...row }).execute();
    },
    async findPendingChange(profileId, field) {
      const row = await db.selectFrom('pending_changes').selectAll().where('profile_id', '=', profileId).where('field', '=', field).executeTakeFirst();
      return row ? toPending(row as PendingChangeRow) : undefined;
    },
    async listPendingChangesOf(accountId) {
      return ((await db.selectFrom('pending_changes').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute()) as PendingChangeRow[]).map(toPending);
    },
    async listPendingChangesOfProfile(profileId) {
      return ((await db.selectFrom('pending_changes').selectAll().where('profile_id', '=', profileId).orderBy('field').execute()) as PendingChangeRow[]).map(toPending);
    },
    async countPendingAttempt(id) {
      const row = await db.updateTable('pending_changes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).returning('attempts').executeTakeFirst();
      return Number(row?.attempts ?? Number.MAX_SAFE_INTEGER);
    },
    async deletePendingChange(id) {
      await db.deleteFrom('pending_changes').where('id', '=', id).execute();
    },
    async insertChangeUndo(row) {
      await db.insertInto('change_undos').values({ ...row }).execute();
    },
    async findChangeUndo(hash) {
      return (await db.selectFrom('change_undos').selectAll().where('token_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst()) as ChangeUndoRow | undefined;
    },
    async consumeChangeUndo(hash, now) {
      // One conditional UPDATE decides the race, as for refresh tokens.
      const won = await db.updateTable('change_undos').set({ used_at: now }).where('token_hash', '=', hash).where('used_at', 'is', null).returningAll().executeTakeFirst();
      return won as ChangeUndoRow | undefined;
    },
  };
}
