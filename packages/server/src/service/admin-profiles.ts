import { deriveChanges, issue, parseChanges, ProfiledError, validationFailed, type FieldIssue, type FieldValue, type Writer } from '@profiled/core';
import type { FieldChange } from '../storage/port.ts';
import { enqueueWebhookEvent } from './outbox.ts';
import { toView, type ProfileView } from './profile-view.ts';
import { collectBlobs, releaseReplaced } from './uploads/release.ts';
import { today, type Principal, type ServiceDeps } from './types.ts';

const ADMIN: readonly Writer[] = ['self', 'admin'];

/**
 * What an administrator may do to the profiles of their organization: set the admin-only
 * fields (ranking, streak and title — read-only to the person) and, like the person, any
 * self-service profile field. Account fields (username, email, kind) are not changed here.
 * The write goes through the registry walker with the writers `self` and `admin`, whole or
 * not at all, with one event naming the administrator as its actor.
 */
export function createAdminProfileService(deps: ServiceDeps) {
  const { storage, registry, clock } = deps;

  function requireAdmin(principal: Principal): void {
    if (principal.kind !== 'admin') throw new ProfiledError('auth.forbidden', { message: 'Only administrators may do this.' });
  }

  return {
    requireAdmin,

    async patch(principal: Principal, profileId: string, changes: Readonly<Record<string, unknown>>): Promise<ProfileView> {
      requireAdmin(principal);
      const accountFields: FieldIssue[] = Object.keys(changes)
        .filter((name) => registry.byName.get(name)?.owner === 'account')
        .map((name) => issue(name, 'profile.field_not_writable', `The account field "${name}" is not changed through profile administration.`));
      const parsed = parseChanges(registry, changes, { writers: ADMIN, today: today(clock) });
      const issues = [...accountFields, ...(parsed.ok ? [] : parsed.issues.filter((i) => !accountFields.some((a) => a.field === i.field)))];
      if (issues.length > 0 || !parsed.ok) throw validationFailed(issues);

      let released: string[] = [];
      const record = await storage.transaction(async (tx) => {
        const before = await tx.findProfile(profileId, { lock: true });
        if (!before || before.org_id !== principal.orgId) throw new ProfiledError('profile.not_found');
        const all = { ...parsed.changes, ...deriveChanges(registry, before.values, parsed.changes) };
        const diff: FieldChange[] = [];
        for (const [field, value] of Object.entries(all)) {
          const old = before.values[field] ?? null;
          if (JSON.stringify(old) !== JSON.stringify(value)) diff.push({ field, old, new: value });
        }
        if (diff.length === 0) return before;
        const at = clock.now().toISOString();
        const version = before.version + 1;
        const applied = Object.fromEntries(diff.map((d) => [d.field, d.new])) as Record<string, FieldValue>;
        await tx.updateProfile(before.id, applied, version, at);
        released = await releaseReplaced(tx, before.id, diff.map((d) => d.field));
        await tx.insertEvent({ profile_id: before.id, version, kind: 'profile.updated_by_admin', actor_id: principal.accountId, at, changes: diff });
        await enqueueWebhookEvent(tx, at, 'profile.updated', { account_id: before.account_id, profile_id: before.id, version, changed_fields: diff.map((d) => d.field), by_admin: true });
        return { ...before, version, updated_at: at, values: { ...before.values, ...applied } };
      });
      await collectBlobs(storage.repos, released);
      return toView(storage.repos, record, principal.profileId);
    },
  };
}

export type AdminProfileService = ReturnType<typeof createAdminProfileService>;
