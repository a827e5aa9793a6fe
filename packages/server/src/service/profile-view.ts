import type { FieldValue } from '@profiled/core';
import type { ProfileRecord, Repos } from '../storage/port.ts';
import type { PendingValue } from './verification.ts';

/** A profile as the services hand it to dialects: every readable canonical value, computed ones included. */
export interface ProfileView {
  readonly id: string;
  readonly accountId: string;
  readonly orgId: string;
  readonly version: number;
  /** A small integer, unique across profiles, for wires whose ids are numbers. */
  readonly number: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Canonical field name → value, for every non-secret registry field. */
  readonly values: Readonly<Record<string, FieldValue>>;
  /** The owner's own values waiting for a code (verify before change); only on `me` reads and writes. */
  readonly pending?: readonly PendingValue[];
}

type Relation = { readonly following: boolean; readonly followedBack: boolean };
const SELF: Relation = { following: false, followedBack: false };

/** Adds the system and computed (network) fields, relative to the viewer's profile. */
export async function toView(repos: Repos, record: ProfileRecord, viewerProfileId: string): Promise<ProfileView> {
  return completeView(record, viewerProfileId, viewerProfileId === record.id ? SELF : await repos.followRelation(viewerProfileId, record.id));
}

/** {@link toView} for a page of profiles: the viewer's follow relations in one query. */
export async function toViews(repos: Repos, records: readonly ProfileRecord[], viewerProfileId: string): Promise<ProfileView[]> {
  const relations = await repos.followRelations(viewerProfileId, records.filter((r) => r.id !== viewerProfileId).map((r) => r.id));
  return records.map((r) => completeView(r, viewerProfileId, relations.get(r.id) ?? SELF));
}

function completeView(record: ProfileRecord, viewerProfileId: string, relation: Relation): ProfileView {
  const counts = { followers: record.followers, following: record.following };
  // The record is fresh from the repository and ours alone: complete its values in place
  // rather than copying some ninety fields on every read.
  const values = record.values as Record<string, FieldValue>;
  values['id'] = record.id;
  values['account_id'] = record.account_id;
  values['org_id'] = record.org_id;
  values['version'] = record.version;
  values['created_at'] = record.created_at;
  values['updated_at'] = record.updated_at;
  values['followers_count'] = counts.followers;
  values['following_count'] = counts.following;
  values['is_following'] = relation.following;
  values['is_followed_back'] = relation.followedBack;
  values['is_current_user'] = viewerProfileId === record.id;
  return {
    id: record.id,
    accountId: record.account_id,
    orgId: record.org_id,
    version: record.version,
    number: record.number,
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    values,
  };
}
