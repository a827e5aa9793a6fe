import type { Storage } from '../storage/port.ts';
import type { ProfileView } from './profile-view.ts';
import type { Principal } from './types.ts';

/** A rendered page as a dialect sends it, with the views it was rendered from. */
export interface RenderedPage {
  readonly profiles: readonly ProfileView[];
  readonly body: string;
}

export interface DirectoryPageStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  readonly maxBytes: number;
}

interface Kept {
  readonly version: number;
  readonly ids: readonly string[];
  /** UTF-8, as it goes out: counted exactly, outside the JS heap, sent without encoding again. */
  readonly body: Buffer;
}

/**
 * Rendered directory pages, kept exactly (issue 20): a page is served again only while its
 * org's directory version (raised by the database itself, in the same statement as every
 * write that could change what the directory shows, whichever process made it) is the one
 * it was rendered at, and only to a viewer who is a stranger to every profile on it — the
 * page's network fields (is_following, is_followed_back, is_current_user) are a stranger's.
 * The version is read before the page is computed, so a kept page is never older than the
 * version it is kept under. Bounded by the bytes it holds, least recently used first out.
 */
export function createDirectoryPages(storage: Storage, maxBytes: number) {
  const kept = new Map<string, Kept>();
  const stats: DirectoryPageStats = { hits: 0, misses: 0, entries: 0, bytes: 0, maxBytes };

  const forget = (key: string) => {
    const old = kept.get(key);
    if (!old) return;
    kept.delete(key);
    stats.bytes -= old.body.length;
    stats.entries = kept.size;
  };

  const keep = (key: string, entry: Kept) => {
    forget(key);
    if (entry.body.length > maxBytes / 8) return;
    kept.set(key, entry);
    stats.bytes += entry.body.length;
    for (const [oldest] of kept) {
      if (stats.bytes <= maxBytes) break;
      forget(oldest);
    }
    stats.entries = kept.size;
  };

  const strangerView = (page: RenderedPage, viewer: string) =>
    page.profiles.every((p) => p.id !== viewer && p.values['is_following'] !== true && p.values['is_followed_back'] !== true);

  return {
    stats,
    /**
     * The page a dialect renders for `key` (its own name for the query, every parameter
     * included), from the kept copy when it still holds for this viewer.
     */
    async serve(principal: Principal, key: string, render: () => Promise<RenderedPage>): Promise<string | Buffer> {
      if (maxBytes <= 0) return (await render()).body;
      const fullKey = `${principal.orgId}\u0000${key}`;
      const entry = kept.get(fullKey);
      const stamp = await storage.repos.directoryStamp(principal.orgId, principal.profileId, entry?.ids ?? []);
      if (entry && entry.version === stamp.version && !stamp.related && !entry.ids.includes(principal.profileId)) {
        stats.hits++;
        // Most recently used last.
        kept.delete(fullKey);
        kept.set(fullKey, entry);
        return entry.body;
      }
      stats.misses++;
      const page = await render();
      if (strangerView(page, principal.profileId)) keep(fullKey, { version: stamp.version, ids: page.profiles.map((p) => p.id), body: Buffer.from(page.body) });
      else forget(fullKey);
      return page.body;
    },
  };
}

export type DirectoryPages = ReturnType<typeof createDirectoryPages>;
