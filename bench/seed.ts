/**
 * Bench fixtures, written straight through the storage port (one argon2 hash shared by every
 * account, tokens minted with the database's own signing keys) so that setting up a thousand
 * signed-in accounts takes seconds, not the minutes a thousand password sign-ins would; then
 * the member directory's public profiles (bench/directory.ts) in the same org.
 */
import { randomUUID } from 'node:crypto';
import { compileRegistry, registry, type FieldValue } from '@profiled/core';
import { hashPassword } from '../packages/server/src/auth/passwords.ts';
import { createTokenService, hashSecret, newSecret, type TokenService } from '../packages/server/src/auth/tokens.ts';
import { loadConfig } from '../packages/server/src/config/load.ts';
import { openStorage, type Repos } from '../packages/server/src/storage/index.ts';
import { seedDirectory } from './directory.ts';

export const BENCH_PASSWORD = 'Bench-Password-Horse-42';

export interface SeededAccount {
  readonly username: string;
  readonly profileId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export interface Seeded {
  readonly accounts: SeededAccount[];
  /** How many public profiles each directory query matches (the signed-in accounts included). */
  readonly directory: { q: string; what: string; matches: number }[];
}

/**
 * One account with a public profile in the org, a session and its refresh token, and an
 * access token minted for it, inserted in the caller's transaction.
 */
export async function insertSignedInAccount(
  tx: Repos,
  tokens: TokenService,
  a: { orgId: string; username: string; passwordHash: string; defaults: Readonly<Record<string, FieldValue>>; displayName: string },
): Promise<SeededAccount> {
  const at = new Date().toISOString();
  const id = randomUUID();
  const profileId = randomUUID();
  const sessionId = randomUUID();
  await tx.insertAccount({ id, username: a.username, email: `${a.username}@bench.example`, kind: 'human', password_hash: a.passwordHash, status: 'active', default_org_id: a.orgId, created_at: at, updated_at: at });
  await tx.insertProfile({ id: profileId, account_id: id, org_id: a.orgId, version: 1, created_at: at, updated_at: at, values: { ...a.defaults, display_name: a.displayName, is_public: true } });
  await tx.insertEvent({ profile_id: profileId, version: 1, kind: 'profile.created', actor_id: null, at, changes: [] });
  await tx.insertSession({ id: sessionId, account_id: id, profile_id: profileId, created_at: at, revoked_at: null });
  const refresh = newSecret();
  await tx.insertRefreshToken({ hash: hashSecret(refresh), session_id: sessionId, created_at: at, expires_at: new Date(Date.now() + 86_400_000).toISOString() });
  const access = await tokens.sign({ sub: id, sid: sessionId, org: a.orgId, pid: profileId });
  return { username: a.username, profileId, accessToken: access.token, refreshToken: refresh };
}

export async function seed(databaseUrl: string, count: number, issuer: string, opts: { directoryProfiles: number; log?: (line: string) => void }): Promise<Seeded> {
  const reg = compileRegistry(registry);
  const now = () => new Date().toISOString();
  const storage = await openStorage({ url: databaseUrl, registry: reg, sqliteSynchronous: 'NORMAL', now });
  try {
    await storage.migrate();
    const config = loadConfig({}, { databaseUrl, issuer });
    const tokens = createTokenService(storage.repos, config, () => new Date());
    await tokens.init();
    const org = (await storage.repos.findOrg({ slug: 'default' }))!;
    const hash = await hashPassword(BENCH_PASSWORD);
    const accounts: SeededAccount[] = [];
    const defaults: Record<string, FieldValue> = {};
    for (const def of reg.storedProfileFields) defaults[def.name] = def.default;
    for (let i = 0; i < count; i += 100) {
      const batch = await storage.transaction(async (tx) => {
        const out: SeededAccount[] = [];
        for (let j = i; j < Math.min(count, i + 100); j++) out.push(await insertSignedInAccount(tx, tokens, { orgId: org.id, username: `bench${j}`, passwordHash: hash, defaults, displayName: `Bench Member ${j}` }));
        return out;
      });
      accounts.push(...batch);
    }
    const directory = await seedDirectory(storage, { orgId: org.id, count: opts.directoryProfiles, passwordHash: hash, defaults, log: opts.log ?? (() => {}) });
    return { accounts, directory };
  } finally {
    await storage.close();
  }
}
