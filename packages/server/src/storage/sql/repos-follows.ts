import type { Kysely } from 'kysely';
import type { Repos } from '../port.ts';

type FollowRepos = Pick<Repos, 'insertFollow' | 'deleteFollow'>;

/** Writes to the follow graph (reads live with the profile queries, which count it). */
export function followRepos(db: Kysely<any>): FollowRepos {
  return {
    async insertFollow(followerId, followeeId, at) {
      const result = await db
        .insertInto('follows')
        .values({ follower_id: followerId, followee_id: followeeId, created_at: at })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async deleteFollow(followerId, followeeId) {
      const result = await db.deleteFrom('follows').where('follower_id', '=', followerId).where('followee_id', '=', followeeId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
