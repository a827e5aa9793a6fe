import { ProfiledError } from '@profiled/core';
import type { ProfileRecord } from '../storage/port.ts';
import { toView, type ProfileView } from './profile-view.ts';
import type { Principal, ServiceDeps } from './types.ts';

/**
 * The follow graph: a person follows or unfollows another profile of their organization.
 * Following needs the profile to be one the viewer may see in the directory (public, same
 * organization, an active account); anything else does not exist here — not found, never
 * forbidden. Unfollowing works on any profile one already follows, even one that has since
 * gone private. Both are idempotent and answer the followee as the viewer now sees it, so its
 * `followers_count`, `is_following` and `is_followed_back` are the fresh, computed values.
 */
export function createFollowService(deps: ServiceDeps) {
  const { storage, clock } = deps;

  async function visibleTarget(principal: Principal, profileId: string): Promise<ProfileRecord> {
    const record = await storage.repos.findProfile(profileId);
    const account = record && (await storage.repos.findAccount(record.account_id));
    if (!record || record.org_id !== principal.orgId || record.values['is_public'] !== true || account?.status !== 'active') {
      throw new ProfiledError('profile.not_found');
    }
    return record;
  }

  const refreshed = async (principal: Principal, profileId: string): Promise<ProfileView> => {
    const record = await storage.repos.findProfile(profileId);
    if (!record) throw new ProfiledError('profile.not_found');
    return toView(storage.repos, record, principal.profileId);
  };

  return {
    async follow(principal: Principal, profileId: string): Promise<ProfileView> {
      if (profileId === principal.profileId) throw new ProfiledError('follow.self');
      await visibleTarget(principal, profileId);
      await storage.repos.insertFollow(principal.profileId, profileId, clock.now().toISOString());
      return refreshed(principal, profileId);
    },

    async unfollow(principal: Principal, profileId: string): Promise<ProfileView> {
      if (profileId === principal.profileId) throw new ProfiledError('follow.self', { message: 'You cannot unfollow yourself.' });
      const { following } = await storage.repos.followRelation(principal.profileId, profileId);
      if (!following) await visibleTarget(principal, profileId);
      await storage.repos.deleteFollow(principal.profileId, profileId);
      return refreshed(principal, profileId);
    },
  };
}

export type FollowService = ReturnType<typeof createFollowService>;
