import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { errorResponses } from './schemas.ts';

/** `POST /v1/admin/notifications`: a host application emits a community event (issue 10). */
export function notificationRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;
  app.post('/admin/notifications', {
    preHandler: ctx.authenticate,
    schema: {
      summary: 'Emit a notification event',
      description: 'Administrators, or a host application with a service account\'s API key: a help-desk reply, wall post, blog comment, event comment or the community digest, mailed (through the outbox) only to the profiles of your organization whose preference for it is on (`notify_help_desk`, `notify_wall_post`, `notify_blog_comment`, `notify_event_comment`, `community_digest`). With `profile_id`, only that profile is considered.',
      security: [{ bearer: [] }],
      body: Type.Object({
        event: Type.String({ maxLength: 64, description: 'help_desk_reply | wall_post | blog_comment | event_comment | community_digest' }),
        text: Type.String({ maxLength: 10_000 }),
        subject: Type.Optional(Type.String({ maxLength: 200 })),
        profile_id: Type.Optional(Type.String({ maxLength: 64 })),
      }, { additionalProperties: false }),
      response: {
        202: Type.Object({ event: Type.String(), queued: Type.Integer(), profile_ids: Type.Array(Type.String()) }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request, reply) => {
    const body = request.body as { event: string; text: string; subject?: string; profile_id?: string };
    const result = await services.notifications.emitAsAdmin(principalOf(request), { event: body.event, text: body.text, subject: body.subject ?? null, profileId: body.profile_id ?? null });
    return reply.code(202).send(result);
  });
}
