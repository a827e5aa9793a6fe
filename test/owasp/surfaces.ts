import { registry } from '@profiled/core';
import { coworkerFields } from '../../packages/server/src/dialects/nexudus/fields.ts';

/**
 * The self-service surfaces of every mounted dialect, for the OWASP API Top 10 suites: how
 * to read the profile, how to write one canonical field through it, and whether the dialect
 * refuses (400) or, like Django REST framework, ignores a read-only name. A dialect adds an entry.
 */
export interface Surface {
  readonly name: string;
  readonly read: string;
  readonly write: { method: 'PATCH' | 'PUT'; path: string };
  /** The request body that would set `field` to `value` on this wire, or undefined if the wire has no name for it. */
  body(field: string, value: unknown): Record<string, unknown> | undefined;
  readonly readOnly: 'refused' | 'ignored';
  /** How many protected (read-only, computed, admin) fields the wire names at all. */
  readonly minProtected: number;
  /** The status a body over the limit answers with on this wire (gRPC-gateway folds it into 400). */
  readonly tooLarge: number;
}

/** Nexudus' coworker table, canonical field → PascalCase wire name (values are sent as given). */
const nexudusNames: ReadonlyMap<string, string> = new Map(coworkerFields().map((w) => [w.field, w.wire]));

const aisquareTop: Record<string, string> = { account_id: 'user_id', display_name: 'full_name', email: 'email', username: 'username', created_at: 'created_at' };
const aisquareDetails: Record<string, string> = {
  member_type: 'user_type', followers_count: 'followers_count', following_count: 'following_count', is_following: 'is_following', is_followed_back: 'is_followed_back', is_current_user: 'is_current_user',
  top_domain_elo: 'top_domain_elo', top_domain_rank: 'top_domain_rank', streak: 'streak', highest_streak: 'highest_streak', streak_freeze_days: 'streak_freeze_days', title: 'title', unlocked_titles: 'unlocked_titles',
};

export const surfaces: readonly Surface[] = [
  { name: 'native', read: '/v1/me/profile', write: { method: 'PATCH', path: '/v1/me/profile' }, body: (field, value) => ({ [field]: value }), readOnly: 'refused', minProtected: 5, tooLarge: 413 },
  {
    name: 'aisquare',
    read: '/api/v1/iam/user/profile/',
    write: { method: 'PATCH', path: '/api/v1/iam/user/profile/' },
    body: (field, value) => (aisquareTop[field] ? { [aisquareTop[field]!]: value } : aisquareDetails[field] ? { details: { [aisquareDetails[field]!]: value } } : undefined),
    readOnly: 'ignored',
    minProtected: 5,
    tooLarge: 413,
  },
  {
    name: 'zitadel',
    read: '/auth/v1/users/me/profile',
    write: { method: 'PUT', path: '/auth/v1/users/me/profile' },
    // ZITADEL's wire names only the six profile fields: nothing protected can even be named.
    body: (field, value) => {
      const names: Record<string, string> = { given_name: 'firstName', family_name: 'lastName', display_name: 'displayName', nickname: 'nickName' };
      return names[field] ? { firstName: 'A', lastName: 'B', displayName: 'A B', [names[field]!]: value } : undefined;
    },
    readOnly: 'refused',
    minProtected: 0,
    tooLarge: 413,
  },
  {
    name: 'workspace',
    read: '/api/workspace/account/profile',
    write: { method: 'PUT', path: '/api/workspace/account/profile' },
    body: (field, value) => (({ account_id: { UserId: value }, kind: { UserType: value } }) as Record<string, Record<string, unknown>>)[field],
    readOnly: 'refused',
    minProtected: 2,
    tooLarge: 413,
  },
  {
    name: 'nexudus',
    read: '/en/profile?_resource=Coworker',
    write: { method: 'PATCH', path: '/api/public/coworker/profile' },
    // The Nexudus wire names no read-only, computed or admin field at all (its table is
    // self-writable fields only): every protected field maps to undefined.
    body: (field, value) => {
      const wire = nexudusNames.get(field);
      return wire ? { [wire]: value } : undefined;
    },
    readOnly: 'refused',
    minProtected: 0,
    tooLarge: 413,
  },
];

/** Every field a person must not be able to set: admin-only and computed ones. */
export const protectedFields = registry.filter((f) => f.writer !== 'self');
