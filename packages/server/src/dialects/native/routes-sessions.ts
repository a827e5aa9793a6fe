import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { errorResponses } from './schemas.ts';

const deviceSchema = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_seen_at: Type.String({ format: 'date-time', description: 'When the session last got tokens (a sign-in or a refresh).' }),
  client: Type.Union([Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }), Type.Null()], { description: 'The OAuth client it signed in through; null for a bare password grant.' }),
  user_agent: Type.Union([Type.String(), Type.Null()], { description: 'A short summary, such as "Firefox on Linux".' }),
  ip: Type.Union([Type.String(), Type.Null()], { description: 'The address it signed in from, its last part hidden (203.0.113.x).' }),
  amr: Type.Array(Type.String(), { description: 'How it signed in (RFC 8176): pwd, otp, mfa.' }),
  current: Type.Boolean({ description: 'The session of the token making this request.' }),
}, { title: 'Device' });

/** `/v1/me/sessions`: the devices signed in on the account, and signing them out (issue 22). */
export function sessionRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;
  const security = [{ bearer: [] }];

  app.get('/me/sessions', {
    preHandler: ctx.authenticateSelf,
    schema: { summary: 'My signed-in devices', description: 'The account\'s live sessions, newest first.', security, response: { 200: Type.Object({ sessions: Type.Array(deviceSchema) }), ...errorResponses(401, 403) } },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send({ sessions: await services.devices.list(principalOf(request)) }));

  app.delete('/me/sessions/:id', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Sign a device out',
      description: 'Ends one session of the account: its refresh token and its access tokens stop working at once, on every instance. Ending the current one signs this client out.',
      security,
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 204: { type: 'null', description: 'Ended.' }, ...errorResponses(401, 403, 404) },
    },
  }, async (request, reply) => {
    await services.devices.end(principalOf(request), (request.params as { id: string }).id);
    return reply.code(204).send();
  });

  app.delete('/me/sessions', {
    preHandler: ctx.authenticateSelf,
    schema: { summary: 'Sign out every other device', description: 'Ends every session of the account but the current one.', security, response: { 204: { type: 'null', description: 'Ended.' }, ...errorResponses(401, 403) } },
  }, async (request, reply) => {
    await services.devices.endOthers(principalOf(request));
    return reply.code(204).send();
  });
}
