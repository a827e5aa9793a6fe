import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { errorResponses } from './schemas.ts';

const passkeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
}, { title: 'Passkey' });
const webauthnJson = { type: 'object', additionalProperties: true } as const;

/** `/v1/me/passkeys…`: registering, listing and removing passkeys (issue 22). */
export function passkeyRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;
  const security = [{ bearer: [] }];

  app.post('/me/passkeys/options', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Start registering a passkey',
      description: 'Needs the current password. Answers the WebAuthn creation options (`PublicKeyCredentialCreationOptionsJSON`: a discoverable credential, no attestation) for `navigator.credentials.create`; the relying party id and origin are those of `PUBLIC_URL`. The challenge works once, for five minutes.',
      security,
      body: Type.Object({ current_password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 200: webauthnJson, ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await services.passkeys.registrationOptions(principalOf(request), (request.body as { current_password: string }).current_password)));

  app.post('/me/passkeys', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Register a passkey',
      description: 'The browser\'s answer to the creation options (`RegistrationResponseJSON`, as @simplewebauthn/browser gives it) and a name. Answers the passkey, and for the account\'s first second factor ten recovery codes, shown this once. A mail tells the account.',
      security,
      body: Type.Object({ name: Type.String({ maxLength: 100 }), response: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ passkey: passkeySchema, recovery_codes: Type.Optional(Type.Array(Type.String())) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => {
    const { name, response } = request.body as { name: string; response: unknown };
    return reply.code(201).header('cache-control', 'no-store').send(await services.passkeys.register(principalOf(request), name, response));
  });

  app.get('/me/passkeys', {
    preHandler: ctx.authenticateSelf,
    schema: { summary: 'My passkeys', description: 'The account\'s passkeys: name, when registered, when last used.', security, response: { 200: Type.Object({ passkeys: Type.Array(passkeySchema) }), ...errorResponses(401, 403) } },
  }, async (request) => ({ passkeys: await services.passkeys.list(principalOf(request)) }));

  app.delete('/me/passkeys/:id', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Remove a passkey',
      description: 'Needs the current password. With no second factor left, the recovery codes go too. A mail tells the account.',
      security,
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: Type.Object({ current_password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 204: { type: 'null', description: 'Removed.' }, ...errorResponses(400, 401, 403, 404, 429) },
    },
  }, async (request, reply) => {
    await services.passkeys.remove(principalOf(request), (request.params as { id: string }).id, (request.body as { current_password: string }).current_password);
    return reply.code(204).send();
  });
}
