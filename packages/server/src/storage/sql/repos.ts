import type { CompiledRegistry } from '@profiled/core';
import type { Kysely } from 'kysely';
import type { Repos } from '../port.ts';
import { accountRepos } from './repos-accounts.ts';
import { credentialRepos } from './repos-credentials.ts';
import type { SqlFlavor } from './flavor.ts';
import { profileRepos } from './repos-profiles.ts';

/** All repositories over one Kysely handle (the pool, or a transaction). */
export function createRepos(db: Kysely<any>, flavor: SqlFlavor, reg: CompiledRegistry): Repos {
  return { ...accountRepos(db, flavor, reg), ...profileRepos(db, flavor, reg), ...credentialRepos(db) };
}
