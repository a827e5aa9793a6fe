import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { errorResponses } from './schemas.ts';

const nullableString = Type.Union([Type.String(), Type.Null()]);

/** The invited account, as `profiled user create` prints an account, with when its link expires. */
const invitedAccount = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.String(),
  kind: Type.Literal('human'),
  status: Type.String(),
  default_org_id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  org: nullableString,
  profile_id: nullableString,
  invitation_expires_at: Type.String({ format: 'date-time' }),
}, { title: 'InvitedAccount' });

/** `POST /v1/admin/invitations` (issue 19): bring a member in without choosing their password. */
export function invitationRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;
  app.post('/admin/invitations', {
    preHandler: ctx.authenticate,
    schema: {
      summary: 'Invite a member (administrators and service accounts)',
      description: 'Creates an account with no password in your organization — `email`, and optionally `username` (default: the email) and `display_name`, checked like any write — and mails a single-use link to the set-password page (`/account/reset-password`), good for `INVITATION_TTL` seconds (7 days). Until a password is set the account cannot sign in. With `resend: true` (and the `email` of an account that has no password yet) a new link is mailed instead and the old one stops working. `org`, when given, must be your own organization\'s slug.',
      security: [{ bearer: [] }],
      body: Type.Object({
        email: Type.String({ maxLength: 320 }),
        org: Type.Optional(Type.String({ maxLength: 64 })),
        display_name: Type.Optional(Type.String({ maxLength: 200 })),
        username: Type.Optional(Type.String({ maxLength: 150 })),
        resend: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 201: invitedAccount, 200: invitedAccount, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
  }, async (request, reply) => {
    const body = request.body as { email: string; org?: string; display_name?: string; username?: string; resend?: boolean };
    const principal = principalOf(request);
    if (body.resend) return reply.code(200).send(await services.invitations.resendAsAdmin(principal, body.email));
    const account = await services.invitations.inviteAsAdmin(principal, { email: body.email, org: body.org ?? null, displayName: body.display_name ?? null, username: body.username ?? null });
    return reply.code(201).send(account);
  });
}
