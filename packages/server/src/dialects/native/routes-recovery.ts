import formbody from '@fastify/formbody';
import Type from 'typebox';
import type { DialectContext, FastifyInstance } from '../port.ts';
import { errorResponses } from './schemas.ts';

/**
 * `POST /v1/account/password-reset` and `…/confirm` (issue 19), for scripts and clients; the
 * pages a person uses (/account/forgot-password, /account/reset-password) call the same
 * services. In a scope of their own, the only native routes that also read form bodies.
 */
export function recoveryRoutes(app: FastifyInstance, ctx: DialectContext): void {
  void app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 4096 });
    routes(scope, ctx);
  });
}

function routes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;

  app.post('/account/password-reset', {
    schema: {
      summary: 'Ask for a password-reset link',
      description: 'JSON or form-encoded `{login}` (a username or an email address). Answers 202 with the same body, in about the same time, whether or not an account has that login. For an active person with an address, a single-use link to `/account/reset-password?token=…` (and the token spelled out) is mailed, good for `PASSWORD_RESET_TTL` seconds (30 minutes); a newer request voids it. Nothing changes until the link is used: the old password keeps working. Throttled per login and per client address (429 with `Retry-After`).',
      consumes: ['application/json', 'application/x-www-form-urlencoded'],
      body: Type.Object({ login: Type.String({ maxLength: 320 }) }, { additionalProperties: false }),
      response: { 202: Type.Object({ message: Type.String() }), ...errorResponses(400, 413, 415, 429) },
    },
  }, async (request, reply) => {
    const result = await services.recovery.request((request.body as { login: string }).login, request.ip);
    return reply.code(202).header('cache-control', 'no-store').send(result);
  });

  app.post('/account/password-reset/confirm', {
    schema: {
      summary: 'Set a new password with a reset or invitation link',
      description: 'The token from the mailed link, once, before it expires; the new password under the organization\'s policy (`GET /v1/me/password-policy` words it; a refused password is reported at `/new_password` and leaves the link working). 204: every session and refresh token of the account has ended, `account.password_changed` is in the history and goes to the webhooks, and a notice is mailed. 400 `recovery.invalid_token` for an unknown, used or replaced link, `recovery.token_expired` for an expired one.',
      body: Type.Object({ token: Type.String({ maxLength: 200 }), new_password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 204: Type.Null({ description: 'The password is set.' }), ...errorResponses(400, 413, 415, 429) },
    },
  }, async (request, reply) => {
    const { token, new_password } = request.body as { token: string; new_password: string };
    await services.recovery.setPassword(token, new_password, request.ip);
    return reply.code(204).header('cache-control', 'no-store').send();
  });
}
