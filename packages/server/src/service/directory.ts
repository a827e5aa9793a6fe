import { ProfiledError } from '@profiled/core';
import { createDirectoryPages } from './directory-pages.ts';
import { toView, toViews, type ProfileView } from './profile-view.ts';
import type { Principal, ServiceDeps } from './types.ts';

export interface DirectoryPage {
  readonly profiles: readonly ProfileView[];
  /** Opaque cursor for the next page, absent on the last. */
  readonly next?: string;
}

type Cursor = { readonly name: string; readonly id: string } | { readonly offset: number };

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof c['name'] === 'string' && typeof c['id'] === 'string') return { name: c['name'], id: c['id'] };
    if (Number.isSafeInteger(c['offset']) && (c['offset'] as number) >= 0 && (c['offset'] as number) <= 100_000) return { offset: c['offset'] as number };
  } catch {
    // fall through
  }
  throw new ProfiledError('request.invalid_parameter', { message: 'The cursor is not valid.', issues: [{ field: 'cursor', code: 'request.invalid_parameter', message: 'The cursor is not valid.' }] });
}

/** Search words: runs of letters and digits, lower-cased; at most 8 of at most 50 characters. */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return (q.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map((t) => t.slice(0, 50));
}

/**
 * The member directory: the public profiles of the viewer's organization. A profile that is
 * private, in another organization or of a disabled account does not exist here (not found,
 * never forbidden). Dialects project the views onto the registry's public fields.
 */
export function createDirectoryService(deps: ServiceDeps) {
  const { storage } = deps;
  const pages = createDirectoryPages(storage, deps.directoryPageBytes ?? 0);
  return {
    /** Rendered pages kept exactly (directory-pages.ts): a dialect's `render` runs only when no kept page holds. */
    rendered: pages.serve,
    pageStats: pages.stats,

    /**
     * With search words or a tag: full-text matches, best first (then by name), paged by
     * offset. Without: every public profile by name, paged by keyset.
     */
    async list(principal: Principal, opts: { q?: string; tag?: string; cursor?: string; limit: number }): Promise<DirectoryPage> {
      const terms = searchTerms(opts.q);
      const tag = opts.tag?.trim() || undefined;
      const cursor = opts.cursor ? decodeCursor(opts.cursor) : undefined;
      let rows;
      let nextOf: (last: { id: string; values: Readonly<Record<string, unknown>> }) => Cursor;
      if (terms.length > 0 || tag) {
        const offset = cursor && 'offset' in cursor ? cursor.offset : 0;
        rows = await storage.repos.searchPublicProfiles(principal.orgId, { terms, ...(tag ? { tag } : {}), offset, limit: opts.limit + 1 });
        nextOf = () => ({ offset: offset + opts.limit });
      } else {
        const after = cursor && 'name' in cursor ? cursor : undefined;
        rows = await storage.repos.listPublicProfiles(principal.orgId, { ...(after ? { after } : {}), limit: opts.limit + 1 });
        nextOf = (last) => ({ name: String(last.values['display_name']), id: last.id });
      }
      const page = rows.slice(0, opts.limit);
      const profiles = await toViews(storage.repos, page, principal.profileId);
      const last = page.at(-1);
      return rows.length > opts.limit && last ? { profiles, next: encodeCursor(nextOf(last)) } : { profiles };
    },

    /**
     * Numbered pages with a total, for wires that count (Nexudus' ApiListResult): the same
     * search and ordering as `list`, paged by offset.
     */
    async page(principal: Principal, opts: { q?: string; tag?: string; page: number; size: number }): Promise<{ profiles: readonly ProfileView[]; total: number }> {
      const terms = searchTerms(opts.q);
      const tag = opts.tag?.trim() || undefined;
      const filter = { terms, ...(tag ? { tag } : {}) };
      const { records, total } = await storage.repos.searchPublicProfilesCounted(principal.orgId, { ...filter, offset: (opts.page - 1) * opts.size, limit: opts.size });
      return { profiles: await toViews(storage.repos, records, principal.profileId), total };
    },

    /** One public profile of the viewer's org, by id or by its number. */
    async get(principal: Principal, profileId: string | number): Promise<ProfileView> {
      const record = typeof profileId === 'number' ? await storage.repos.findProfileByNumber(profileId) : await storage.repos.findProfile(profileId);
      const account = record && (await storage.repos.findAccount(record.account_id));
      if (!record || record.org_id !== principal.orgId || record.values['is_public'] !== true || account?.status !== 'active') {
        throw new ProfiledError('profile.not_found');
      }
      return toView(storage.repos, record, principal.profileId);
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
