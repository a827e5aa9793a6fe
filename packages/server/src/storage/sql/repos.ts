import type { CompiledRegistry } from '@profiled/core';
import type { Kysely } from 'kysely';
import type { Repos } from '../port.ts';
import { accountRepos } from './repos-accounts.ts';
import { credentialRepos } from './repos-credentials.ts';
import type { SqlFlavor } from './flavor.ts';
import { createTemplateCache, type TemplateCache } from './prepared.ts';
import { profileRepos } from './repos-profiles.ts';
import { followRepos } from './repos-follows.ts';
import { externalIdentityRepos } from './repos-external.ts';
import { oauthRepos } from './repos-oauth.ts';
import { vocabularyRepos } from './repos-vocabularies.ts';
import { lifecycleRepos } from './repos-lifecycle.ts';

/**
 * All repositories over one Kysely handle (the pool, or a transaction). `templates` is the
 * storage's cache of compiled hot-path queries, shared by every handle.
 */
export function createRepos(db: Kysely<any>, flavor: SqlFlavor, reg: CompiledRegistry, templates: TemplateCache = createTemplateCache()): Repos {
  return { ...accountRepos(db, flavor, reg), ...profileRepos(db, flavor, reg, templates), ...credentialRepos(db, templates), ...followRepos(db), ...oauthRepos(db), ...externalIdentityRepos(db), ...vocabularyRepos(db, flavor), ...lifecycleRepos(db, flavor, reg) };
}
