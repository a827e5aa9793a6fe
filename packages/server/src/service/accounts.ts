import { randomUUID } from 'node:crypto';
import { parseChanges, ProfiledError, validationFailed, type FieldValue } from '@profiled/core';
import { hashPassword, resolvePolicy } from '../auth/passwords.ts';
import { hashSecret, newSecret } from '../auth/tokens.ts';
import type { AccountKind, AccountRow, OrgRow } from '../storage/port.ts';
import { API_KEY_PREFIX } from './sessions.ts';
import { today, type ServiceDeps } from './types.ts';

export interface CreateAccountInput {
  readonly email?: string | null;
  readonly password?: string | null;
  readonly username?: string | null;
  readonly org?: string | null;
  readonly kind?: AccountKind;
  readonly displayName?: string | null;
  /** An invitation (issue 19): a person without a password yet, who sets one through the mailed link. */
  readonly invited?: boolean;
}

/** Operator operations: organizations, accounts and API keys (the CLI's and admins'). */
export function createAccountService(deps: ServiceDeps) {
  const { storage, registry, clock } = deps;

  async function orgBySlug(slug: string): Promise<OrgRow> {
    const org = await storage.repos.findOrg({ slug });
    if (!org) throw new ProfiledError('org.not_found', { message: `There is no organization "${slug}".` });
    return org;
  }

  async function resolveAccount(ref: string): Promise<AccountRow> {
    const account = (await storage.repos.findAccount(ref)) ?? (await storage.repos.findAccountByLogin(ref));
    if (!account) throw new ProfiledError('account.not_found', { message: `There is no account "${ref}".` });
    return account;
  }

  return {
    async createOrg(input: { slug: string; name: string }): Promise<OrgRow> {
      if (!/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(input.slug)) throw new ProfiledError('org.invalid_slug');
      const name = input.name.trim();
      if (name === '' || name.length > 200) throw new ProfiledError('org.invalid_slug', { message: 'An organization name is 1-200 characters.' });
      if (await storage.repos.findOrg({ slug: input.slug })) throw new ProfiledError('org.slug_taken');
      const org: OrgRow = { id: randomUUID(), slug: input.slug, name, settings: {}, created_at: clock.now().toISOString() };
      await storage.repos.insertOrg(org);
      return org;
    },

    /**
     * Creates an account with its first profile (version 1, with a `profile.created` event).
     * Username, email and display name go through the registry walker like any other write;
     * the password through the org's policy. A service account may have no password.
     */
    async createAccount(input: CreateAccountInput) {
      const org = await orgBySlug(input.org ?? 'default');
      const kind = input.kind ?? 'human';
      const email = input.email ?? null;
      const username = input.username ?? email;
      const raw: Record<string, unknown> = { username, email, kind };
      if (input.displayName) raw['display_name'] = input.displayName;
      const parsed = parseChanges(registry, raw, { writers: ['self', 'admin'], today: today(clock) });
      if (!parsed.ok) throw validationFailed(parsed.issues);
      const values = parsed.changes as Record<string, FieldValue> & { username: string; email: string | null; kind: AccountKind };
      if (kind !== 'service' && !values.email) throw validationFailed([{ field: 'email', code: 'profile.field_required', message: 'An email address is required.' }]);
      if (!input.password && kind !== 'service' && !input.invited) throw validationFailed([{ field: 'password', code: 'password.required', message: 'A password is required.' }]);
      if (input.password) await deps.passwords.check(input.password, resolvePolicy(org.settings.password_policy), { username: values.username, email: values.email });
      for (const field of ['username', 'email'] as const) {
        const value = values[field];
        if (value && (await storage.repos.isTaken(field, value))) {
          throw new ProfiledError(field === 'username' ? 'account.username_taken' : 'account.email_taken');
        }
      }
      const hash = input.password ? await hashPassword(input.password) : null;
      const at = clock.now().toISOString();
      const account: AccountRow = {
        id: randomUUID(),
        username: values.username,
        email: values.email,
        kind,
        password_hash: hash,
        status: 'active',
        default_org_id: org.id,
        created_at: at,
        updated_at: at,
      };
      const profileValues: Record<string, FieldValue> = Object.create(null);
      for (const def of registry.storedProfileFields) profileValues[def.name] = def.default;
      if (values['display_name'] !== undefined) profileValues['display_name'] = values['display_name'];
      const profileId = randomUUID();
      await storage.transaction(async (tx) => {
        await tx.insertAccount(account);
        await tx.insertProfile({ id: profileId, account_id: account.id, org_id: org.id, version: 1, created_at: at, updated_at: at, values: profileValues });
        await tx.insertEvent({ profile_id: profileId, version: 1, kind: 'profile.created', actor_id: null, at, changes: [] });
      });
      const { password_hash: _secret, ...visible } = account;
      return { ...visible, org: org.slug, profile_id: profileId };
    },

    /** Adds a profile for an existing account in another organization (a second membership). */
    async addProfile(ref: string, orgSlug: string, displayName?: string | null) {
      const account = await resolveAccount(ref);
      const org = await orgBySlug(orgSlug);
      if (await storage.repos.findProfileOf(account.id, org.id)) {
        throw new ProfiledError('profile.validation_failed', { message: `The account already has a profile in "${orgSlug}".`, issues: [{ field: 'org', code: 'profile.validation_failed', message: 'A profile in this organization exists already.' }] });
      }
      const values: Record<string, FieldValue> = Object.create(null);
      for (const def of registry.storedProfileFields) values[def.name] = def.default;
      if (displayName) {
        const parsed = parseChanges(registry, { display_name: displayName }, { writers: ['self'], today: today(clock) });
        if (!parsed.ok) throw validationFailed(parsed.issues);
        Object.assign(values, parsed.changes);
      }
      const id = randomUUID();
      const at = clock.now().toISOString();
      await storage.transaction(async (tx) => {
        await tx.insertProfile({ id, account_id: account.id, org_id: org.id, version: 1, created_at: at, updated_at: at, values });
        await tx.insertEvent({ profile_id: id, version: 1, kind: 'profile.created', actor_id: null, at, changes: [] });
      });
      return { id, account_id: account.id, org: org.slug, org_id: org.id, display_name: values['display_name'] };
    },

    /** Creates an API key for a service account; the key is returned once and stored hashed. */
    async createApiKey(ref: string, name = 'default') {
      const account = await resolveAccount(ref);
      if (account.kind !== 'service') {
        throw new ProfiledError('auth.forbidden', { message: 'API keys are for service accounts only; create one with --kind service.' });
      }
      const key = `${API_KEY_PREFIX}${newSecret()}`;
      const row = {
        id: randomUUID(),
        account_id: account.id,
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        key_hash: hashSecret(key),
        name,
        created_at: clock.now().toISOString(),
        last_used_at: null,
        revoked_at: null,
      };
      await storage.repos.insertApiKey(row);
      return { key, id: row.id, account_id: account.id, prefix: row.prefix, name };
    },

    async listApiKeys(ref: string) {
      const account = await resolveAccount(ref);
      return (await storage.repos.listApiKeys(account.id)).map(({ key_hash: _hash, ...rest }) => rest);
    },

    async revokeApiKey(id: string) {
      if (!(await storage.repos.revokeApiKey(id, clock.now().toISOString()))) throw new ProfiledError('account.not_found', { message: `There is no live API key "${id}".` });
      return { id, revoked: true };
    },

    /** The password rules of an org, for forms that show them before the person types. */
    async passwordRules(orgId: string) {
      const org = await storage.repos.findOrg({ id: orgId });
      const policy = resolvePolicy(org?.settings.password_policy);
      return { policy, rules: deps.passwords.describe(policy) };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
