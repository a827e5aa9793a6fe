import { randomUUID } from 'node:crypto';
import { registry, type FieldValue } from '@profiled/core';
import type { Storage } from '../../packages/server/src/storage/port.ts';

/** Every profile field's default, as a new profile starts. */
export const memberDefaults = (): Record<string, FieldValue> => Object.fromEntries(registry.filter((f) => f.writer !== 'computed' && !f.system && f.owner === 'profile').map((f) => [f.name, f.default]));

/**
 * Inserts members (an active account and a profile each) straight through the storage port,
 * in one transaction: hundreds in a second, where signing each up would hash a password.
 * Returns the profile ids and account ids in the order given.
 */
export async function insertMembers(storage: Storage, orgId: string, people: readonly Readonly<Record<string, FieldValue>>[]): Promise<{ profileId: string; accountId: string }[]> {
  const base = memberDefaults();
  return storage.transaction(async (tx) => {
    const out: { profileId: string; accountId: string }[] = [];
    for (const values of people) {
      const at = new Date().toISOString();
      const accountId = randomUUID();
      const profileId = randomUUID();
      await tx.insertAccount({ id: accountId, username: `m-${accountId}`, email: null, kind: 'human', password_hash: null, status: 'active', default_org_id: orgId, created_at: at, updated_at: at });
      await tx.insertProfile({ id: profileId, account_id: accountId, org_id: orgId, version: 1, created_at: at, updated_at: at, values: { ...base, ...values } });
      out.push({ profileId, accountId });
    }
    return out;
  });
}
