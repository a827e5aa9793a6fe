import Type from 'typebox';
import type { ProfileView } from '../../service/index.ts';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { errorResponses } from './schemas.ts';

const followState = Type.Object({
  profile_id: Type.String(),
  followers_count: Type.Integer({ description: 'How many profiles follow this one.' }),
  following_count: Type.Integer({ description: 'How many profiles this one follows.' }),
  is_following: Type.Boolean({ description: 'Whether you follow this profile.' }),
  is_followed_back: Type.Boolean({ description: 'Whether this profile follows you.' }),
}, { title: 'FollowState' });

const stateOf = (view: ProfileView) => ({
  profile_id: view.id,
  followers_count: view.values['followers_count'],
  following_count: view.values['following_count'],
  is_following: view.values['is_following'],
  is_followed_back: view.values['is_followed_back'],
});

/** `/v1/profiles/{profileId}/follow`: following and unfollowing the public profiles of one's organization. */
export function followRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;
  const security = [{ bearer: [] }];
  const params = Type.Object({ profileId: Type.String({ maxLength: 64 }) });

  app.post('/profiles/:profileId/follow', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Follow a profile',
      description: 'Your active profile follows a public profile of your organization. Idempotent. Following yourself is refused (400 follow.self); a private, unknown or other-organization profile is not found (404). Answers the followed profile\'s counts and relation as you now see them.',
      security,
      params,
      response: { 200: followState, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => stateOf(await services.follows.follow(principalOf(request), (request.params as { profileId: string }).profileId)));

  app.delete('/profiles/:profileId/follow', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Unfollow a profile',
      description: 'Your active profile stops following a profile. Idempotent; works even if the profile has gone private since you followed it.',
      security,
      params,
      response: { 200: followState, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => stateOf(await services.follows.unfollow(principalOf(request), (request.params as { profileId: string }).profileId)));
}
