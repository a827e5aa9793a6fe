import type { CompiledRegistry } from '@profiled/core';
import type { Kysely } from 'kysely';
import type { Repos } from '../port.ts';
import { accountRepos } from './repos-accounts.ts';
import { credentialRepos } from './repos-credentials.ts';
import type { SqlFlavor } from './flavor.ts';
import { createTemplateCache, type TemplateCache } from './prepared.ts';
import { profileRepos, type DirectoryReader } from './repos-profiles.ts';
import { followRepos } from './repos-follows.ts';
import { externalIdentityRepos } from './repos-external.ts';
import { oauthRepos } from './repos-oauth.ts';
import { vocabularyRepos } from './repos-vocabularies.ts';
import { lifecycleRepos } from './repos-lifecycle.ts';
import { accountTokenRepos } from './repos-account-tokens.ts';
import { uploadRepos } from './repos-uploads.ts';
import { mfaRepos } from './repos-mfa.ts';

type Group = (db: Kysely<any>, flavor: SqlFlavor, reg: CompiledRegistry, templates: TemplateCache, read?: DirectoryReader) => Partial<Repos>;

const GROUPS: readonly Group[] = [
  (db, f, reg, t) => accountRepos(db, f, reg, t),
  (db, f, reg, t, read) => profileRepos(db, f, reg, t, read),
  (db, _f, _reg, t) => credentialRepos(db, t),
  (db) => followRepos(db),
  (db) => oauthRepos(db),
  (db) => externalIdentityRepos(db),
  (db, f) => vocabularyRepos(db, f),
  (db, f, reg, t) => lifecycleRepos(db, f, reg, t),
  (db) => accountTokenRepos(db),
  (db, f) => uploadRepos(db, f),
  (db) => mfaRepos(db),
];

/**
 * All repositories over one Kysely handle (the pool, or a transaction). `templates` is the
 * storage's cache of compiled hot-path queries, shared by every handle; `read` runs the
 * directory's queries (by default on `db`).
 */
export function createRepos(db: Kysely<any>, flavor: SqlFlavor, reg: CompiledRegistry, templates: TemplateCache = createTemplateCache(), read?: DirectoryReader): Repos {
  return Object.assign({}, ...GROUPS.map((make) => make(db, flavor, reg, templates, read))) as Repos;
}

/** Which group defines each repository method; learnt from the first handle built. */
let groupOf: Map<string | symbol, number> | undefined;

/**
 * The repositories of one transaction, each group built on its first use. Building all of
 * them (some 150 closures, spread into one object) for every transaction was 9 % of a
 * PATCH's CPU, and a transaction uses two or three of the nine groups.
 */
export function transactionRepos(db: Kysely<any>, flavor: SqlFlavor, reg: CompiledRegistry, templates: TemplateCache): Repos {
  groupOf ??= new Map(GROUPS.flatMap((make, i) => Object.keys(make(db, flavor, reg, templates)).map((name) => [name, i] as const)));
  const known = groupOf;
  const built: (Partial<Repos> | undefined)[] = [];
  return new Proxy({} as Repos, {
    get(_target, name) {
      const i = known.get(name);
      if (i === undefined) return undefined;
      return (built[i] ??= GROUPS[i]!(db, flavor, reg, templates))[name as keyof Repos];
    },
    has: (_target, name) => known.has(name),
  });
}
