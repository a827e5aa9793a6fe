import { ProfiledError } from '@profiled/core';
import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { errorResponses } from './schemas.ts';

const factorSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('totp'), Type.Literal('passkey')]),
  name: Type.Optional(Type.String({ description: 'A passkey\'s name.' })),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
}, { title: 'SecondFactor' });
const policySchema = Type.Object({
  mfa: Type.Union([Type.Literal('required'), Type.Literal('optional')]),
  new_device_notice: Type.Boolean(),
}, { title: 'SecurityPolicy' });

/** `/v1/me/mfa…`: second factors (issue 22), and `/v1/admin/security-policy`: the org's rule for them. */
export function mfaRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;
  const security = [{ bearer: [] }];

  app.get('/me/mfa', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'My second factors',
      description: 'The account\'s live second factors — authenticator apps and passkeys — (kind, a passkey\'s name, when set up, when last used; never a secret), how many unused recovery codes are left, and whether the organization of the active profile requires a second factor.',
      security,
      response: { 200: Type.Object({ factors: Type.Array(factorSchema), recovery_codes_left: Type.Integer(), required: Type.Boolean() }), ...errorResponses(401, 403) },
    },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await services.mfa.status(principalOf(request))));

  app.post('/me/mfa/totp', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Start setting up an authenticator app',
      description: 'Needs the current password. Answers a new TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s), its `otpauth://` URI and that URI as a QR code (an SVG drawn by this server). Not active until `POST /v1/me/mfa/totp/confirm` gets its first code; starting again replaces a set-up still waiting. The secret is never shown again.',
      security,
      body: Type.Object({ current_password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ secret: Type.String(), otpauth_uri: Type.String(), qr_svg: Type.String() }), ...errorResponses(400, 401, 403, 409, 429) },
    },
  }, async (request, reply) => {
    const { current_password } = request.body as { current_password: string };
    return reply.header('cache-control', 'no-store').send(await services.mfa.startTotp(principalOf(request), current_password));
  });

  app.post('/me/mfa/totp/confirm', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Turn on the authenticator app with its first code',
      description: 'The code the app shows turns the factor on and answers ten recovery codes, each good for one sign-in; they are shown only now and stored hashed. A mail tells the account. Wrong codes count against the sign-in throttle.',
      security,
      body: Type.Object({ code: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ recovery_codes: Type.Array(Type.String(), { minItems: 10, maxItems: 10 }) }), ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    const { code } = request.body as { code: string };
    return reply.header('cache-control', 'no-store').send(await services.mfa.confirmTotp(principalOf(request), code));
  });

  app.delete('/me/mfa/totp', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Remove the authenticator app',
      description: 'Needs the current password and a code of the app (or a recovery code). With no second factor left, the recovery codes go too. A mail tells the account.',
      security,
      body: Type.Object({ current_password: Type.String({ maxLength: 1024 }), code: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
      response: { 204: { type: 'null', description: 'Removed.' }, ...errorResponses(400, 401, 403, 404, 429) },
    },
  }, async (request, reply) => {
    const { current_password, code } = request.body as { current_password: string; code: string };
    await services.mfa.removeTotp(principalOf(request), current_password, code);
    return reply.code(204).send();
  });

  const policy = (request: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(request);
    services.adminProfiles.requireAdmin(principal);
    return principal;
  };
  app.get('/admin/security-policy', {
    preHandler: ctx.authenticateSelf,
    schema: { summary: 'Second-factor policy (administrators)', description: 'Whether members of your organization must sign in with a second factor, and whether a sign-in from a device not seen before is mailed about.', security, response: { 200: policySchema, ...errorResponses(401, 403) } },
  }, async (request) => services.mfa.policyOf({ id: policy(request).orgId }));

  app.put('/admin/security-policy', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Set the second-factor policy (administrators)',
      description: 'With `mfa: required`, a member without a second factor is led to set one up right after the password at their next sign-in, and the password grant answers `mfa_required` until they have. Omitted fields stay.',
      security,
      body: Type.Object({ mfa: Type.Optional(policySchema.properties.mfa), new_device_notice: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: policySchema, ...errorResponses(400, 401, 403, 413, 415) },
    },
  }, async (request) => {
    const principal = policy(request);
    const body = request.body as { mfa?: 'required' | 'optional'; new_device_notice?: boolean };
    if (body.mfa === undefined && body.new_device_notice === undefined) throw new ProfiledError('request.invalid_body', { message: 'Give mfa, new_device_notice or both.' });
    return services.mfa.setPolicy({ id: principal.orgId }, body);
  });
}
