import { ProfiledError } from '@profiled/core';
import { toView, type ProfileView } from './profile-view.ts';
import type { Principal, ServiceDeps } from './types.ts';

export interface DirectoryPage {
  readonly profiles: readonly ProfileView[];
  /** Opaque cursor for the next page, absent on the last. */
  readonly next?: string;
}

const encodeCursor = (name: string, id: string) => Buffer.from(JSON.stringify([name, id])).toString('base64url');

function decodeCursor(cursor: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof name === 'string' && typeof id === 'string') return { name, id };
  } catch {
    // fall through
  }
  throw new ProfiledError('request.invalid_parameter', { message: 'The cursor is not valid.' });
}

/**
 * The member directory: the public profiles of the viewer's organization. A profile that is
 * private, in another organization or of a disabled account does not exist here (not found,
 * never forbidden). Dialects project the views onto the registry's public fields.
 */
export function createDirectoryService(deps: ServiceDeps) {
  const { storage } = deps;
  return {
    async list(principal: Principal, opts: { cursor?: string; limit: number }): Promise<DirectoryPage> {
      const after = opts.cursor ? decodeCursor(opts.cursor) : undefined;
      const rows = await storage.repos.listPublicProfiles(principal.orgId, { ...(after ? { after } : {}), limit: opts.limit + 1 });
      const page = rows.slice(0, opts.limit);
      const profiles = await Promise.all(page.map((r) => toView(storage.repos, r, principal.profileId)));
      const last = page.at(-1);
      return rows.length > opts.limit && last ? { profiles, next: encodeCursor(String(last.values['display_name']), last.id) } : { profiles };
    },

    async get(principal: Principal, profileId: string): Promise<ProfileView> {
      const record = await storage.repos.findProfile(profileId);
      const account = record && (await storage.repos.findAccount(record.account_id));
      if (!record || record.org_id !== principal.orgId || record.values['is_public'] !== true || account?.status !== 'active') {
        throw new ProfiledError('profile.not_found');
      }
      return toView(storage.repos, record, principal.profileId);
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
