import type { FieldValue } from '@profiled/core';
import type { ProfileRecord, Repos } from '../storage/port.ts';

/** A profile as the services hand it to dialects: every readable canonical value, computed ones included. */
export interface ProfileView {
  readonly id: string;
  readonly accountId: string;
  readonly orgId: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Canonical field name → value, for every non-secret registry field. */
  readonly values: Readonly<Record<string, FieldValue>>;
}

/** Adds the system and computed (network) fields, relative to the viewer's profile. */
export async function toView(repos: Repos, record: ProfileRecord, viewerProfileId: string): Promise<ProfileView> {
  const [counts, relation] = await Promise.all([
    repos.followCounts(record.id),
    viewerProfileId === record.id ? { following: false, followedBack: false } : repos.followRelation(viewerProfileId, record.id),
  ]);
  const values: Record<string, FieldValue> = Object.assign(Object.create(null), record.values, {
    id: record.id,
    account_id: record.account_id,
    org_id: record.org_id,
    version: record.version,
    created_at: record.created_at,
    updated_at: record.updated_at,
    followers_count: counts.followers,
    following_count: counts.following,
    is_following: relation.following,
    is_followed_back: relation.followedBack,
    is_current_user: viewerProfileId === record.id,
  });
  return {
    id: record.id,
    accountId: record.account_id,
    orgId: record.org_id,
    version: record.version,
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    values,
  };
}
