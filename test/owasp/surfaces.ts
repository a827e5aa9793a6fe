import { registry } from '@profiled/core';

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
}

const aisquareTop: Record<string, string> = { account_id: 'user_id', display_name: 'full_name', email: 'email', username: 'username', created_at: 'created_at' };
const aisquareDetails: Record<string, string> = {
  member_type: 'user_type', followers_count: 'followers_count', following_count: 'following_count', is_following: 'is_following', is_followed_back: 'is_followed_back', is_current_user: 'is_current_user',
  top_domain_elo: 'top_domain_elo', top_domain_rank: 'top_domain_rank', streak: 'streak', highest_streak: 'highest_streak', streak_freeze_days: 'streak_freeze_days', title: 'title', unlocked_titles: 'unlocked_titles',
};

export const surfaces: readonly Surface[] = [
  { name: 'native', read: '/v1/me/profile', write: { method: 'PATCH', path: '/v1/me/profile' }, body: (field, value) => ({ [field]: value }), readOnly: 'refused' },
  {
    name: 'aisquare',
    read: '/api/v1/iam/user/profile/',
    write: { method: 'PATCH', path: '/api/v1/iam/user/profile/' },
    body: (field, value) => (aisquareTop[field] ? { [aisquareTop[field]!]: value } : aisquareDetails[field] ? { details: { [aisquareDetails[field]!]: value } } : undefined),
    readOnly: 'ignored',
  },
];

/** Every field a person must not be able to set: admin-only and computed ones. */
export const protectedFields = registry.filter((f) => f.writer !== 'self');
