import { randomBytes, randomUUID } from 'node:crypto';
import { parseChanges, ProfiledError, type FieldValue } from '@profiled/core';
import type { ExternalClaims } from '../auth/external-issuer.ts';
import type { AccountRow, Repos } from '../storage/port.ts';
import { today, type Principal, type ServiceDeps } from './types.ts';

/** `last_seen_at` is written at most this often per identity, not on every request. */
const TOUCH_EVERY_MS = 60_000;
const ATTEMPTS = 4;

/**
 * Accounts of the trusted outside identity provider (OIDC_TRUSTED_ISSUER): `(iss, sub)` is
 * looked up in `external_identities`; on first sight a human account without a password is
 * created, with a profile in the configured org. Two first requests at once end with one
 * account: the loser's insert hits a unique constraint, rolls back, and re-reads the winner's.
 */
export function createExternalAccounts(deps: ServiceDeps, orgSlug: string) {
  const { storage, registry, clock } = deps;

  /** One field through the registry walker, or undefined when the claim is not a valid value for it. */
  function accepted(field: string, value: unknown): FieldValue | undefined {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const parsed = parseChanges(registry, { [field]: value.trim() }, { writers: ['self', 'admin'], today: today(clock) });
    return parsed.ok ? parsed.changes[field] : undefined;
  }

  /** From `preferred_username`, else the email we keep, else `sub`: only the characters a username allows, made unique. */
  async function freeUsername(claims: ExternalClaims, email: string | null, attempt: number): Promise<string> {
    const source = [claims['preferred_username'], email, claims.sub].find((v): v is string => typeof v === 'string' && v !== '')!;
    const base = source.normalize('NFKD').replace(/[^A-Za-z0-9@.+_-]/g, '').toLowerCase().slice(0, 120) || 'user';
    if (attempt === 0 && accepted('username', base) && !(await storage.repos.isTaken('username', base))) return base;
    for (;;) {
      const candidate = `${base}-${randomBytes(4).toString('hex')}`;
      if (!(await storage.repos.isTaken('username', candidate))) return candidate;
    }
  }

  /** The email claim, when the provider has not said it is unverified and no other account uses it. */
  async function usableEmail(claims: ExternalClaims): Promise<string | null> {
    if (claims['email_verified'] === false) return null;
    const email = accepted('email', claims['email']);
    return typeof email === 'string' && !(await storage.repos.isTaken('email', email)) ? email : null;
  }

  /** Creates the account; undefined when another request won the race (or took a name meanwhile). */
  async function create(claims: ExternalClaims, attempt: number): Promise<string | undefined> {
    const org = await storage.repos.findOrg({ slug: orgSlug });
    if (!org) throw new Error(`OIDC_TRUSTED_ORG "${orgSlug}" names no organization`);
    const at = clock.now().toISOString();
    const email = await usableEmail(claims);
    const account: AccountRow = {
      id: randomUUID(),
      username: await freeUsername(claims, email, attempt),
      email,
      kind: 'human',
      password_hash: null,
      status: 'active',
      default_org_id: org.id,
      created_at: at,
      updated_at: at,
    };
    const values: Record<string, FieldValue> = Object.create(null);
    for (const def of registry.storedProfileFields) values[def.name] = def.default;
    const given = accepted('given_name', claims['given_name']);
    const family = accepted('family_name', claims['family_name']);
    if (given !== undefined) values['given_name'] = given;
    if (family !== undefined) values['family_name'] = family;
    const joined = [given, family].filter((v) => typeof v === 'string').join(' ');
    values['display_name'] = accepted('display_name', claims['name']) ?? accepted('display_name', joined) ?? accepted('display_name', account.username) ?? values['display_name'] ?? null;
    const profileId = randomUUID();
    try {
      await storage.transaction(async (tx: Repos) => {
        await tx.insertAccount(account);
        await tx.insertProfile({ id: profileId, account_id: account.id, org_id: org.id, version: 1, created_at: at, updated_at: at, values });
        await tx.insertEvent({ profile_id: profileId, version: 1, kind: 'profile.created', actor_id: null, at, changes: [] });
        if (!(await tx.insertExternalIdentity({ issuer: claims.iss, subject: claims.sub, account_id: account.id, created_at: at, last_seen_at: at }))) throw new LostRace();
      });
      return account.id;
    } catch (err) {
      if (err instanceof LostRace || attempt < ATTEMPTS - 1) return undefined;
      throw err;
    }
  }

  async function accountFor(claims: ExternalClaims): Promise<string> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const known = await storage.repos.findExternalIdentity(claims.iss, claims.sub);
      if (known) {
        const now = clock.now();
        if (now.getTime() - Date.parse(known.last_seen_at) > TOUCH_EVERY_MS) await storage.repos.touchExternalIdentity(claims.iss, claims.sub, now.toISOString());
        return known.account_id;
      }
      const created = await create(claims, attempt);
      if (created) return created;
    }
    throw new Error('could not record the outside identity');
  }

  return {
    /** The principal of a verified outside token: no Profiled session behind it. */
    async principalFor(claims: ExternalClaims): Promise<Principal> {
      const account = await storage.repos.findAccount(await accountFor(claims));
      if (!account || account.status !== 'active') throw new ProfiledError('auth.token_invalid');
      const profile = (await storage.repos.findProfileOf(account.id, account.default_org_id)) ?? (await storage.repos.listProfilesOf(account.id))[0];
      if (!profile) throw new ProfiledError('profile.not_found');
      return { accountId: account.id, kind: account.kind, profileId: profile.id, orgId: profile.org_id, sessionId: null, via: 'external' };
    },
  };
}

class LostRace extends Error {}

export type ExternalAccounts = ReturnType<typeof createExternalAccounts>;
