import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { errorResponses, pendingChangesSchema } from './schemas.ts';
import { zipStored } from './zip.ts';

/** `/v1/me/export` and `DELETE /v1/me`: the account lifecycle's data-subject rights (issue 10). */
export function accountRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;
  const security = [{ bearer: [] }];

  app.get('/me/export', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Export my data',
      description: 'GDPR art. 15 and 20: every stored field of every profile of the account, each profile\'s history, the vocabulary entries it references, its follows and its uploaded files (listed under `files`), and the account\'s sessions, API keys and pending changes, as one JSON document. With `format=zip`, a zip archive of that document (`profiled-export.json`) and the uploaded files themselves, each at the `path` the document gives it. Never secrets (no password hash, token, key or code).',
      security,
      querystring: Type.Object({ format: Type.Union([Type.Literal('json'), Type.Literal('zip')], { default: 'json', description: '`zip`: the document and the files in one archive.' }) }),
      produces: ['application/json', 'application/zip'],
      response: { 200: { type: 'object', additionalProperties: true, description: 'The export document (`format: profiled-export/1`), or with `format=zip` the archive.' }, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    reply.header('cache-control', 'no-store');
    if ((request.query as { format: string }).format === 'zip') {
      const { document, files } = await services.exports.exportArchive(principal);
      const archive = zipStored([{ path: 'profiled-export.json', data: Buffer.from(JSON.stringify(document, null, 2)) }, ...files], ctx.now());
      return reply.header('content-disposition', 'attachment; filename="profiled-export.zip"').type('application/zip').send(archive);
    }
    const doc = await services.exports.exportAccount(principal);
    return reply.header('content-disposition', 'attachment; filename="profiled-export.json"').send(doc);
  });

  app.get('/me/pending-changes', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'My changes waiting for a code',
      description: 'A new email or mobile number written to the profile is not applied until the code sent to it (mailed, or texted) is entered (`POST /v1/me/verify`); until then the profile keeps the verified value, sign-in uses the verified email, and the new one is listed here (and as `pending_changes` in the profile).',
      security,
      response: { 200: Type.Object({ pending: pendingChangesSchema }), ...errorResponses(401, 403) },
    },
  }, async (request) => ({ pending: await services.verification.pending(principalOf(request)) }));

  app.post('/me/verify', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Confirm a changed email or mobile number with its code',
      description: 'The six-digit code sent to the new value (mailed to an email, texted to a mobile number): single use, valid for `VERIFICATION_CODE_TTL` seconds, and after `VERIFICATION_MAX_ATTEMPTS` wrong codes the pending change is dropped (429). The right code applies the change and sends the old address (and, for a number, the login email too) a link that undoes it for 7 days.',
      security,
      body: Type.Object({ field: Type.Union([Type.Literal('email'), Type.Literal('mobile_phone')]), code: Type.String({ maxLength: 32 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ field: Type.String(), value: Type.String() }), ...errorResponses(400, 401, 403, 404, 429) },
    },
  }, async (request) => {
    const { field, code } = request.body as { field: string; code: string };
    return services.verification.verify(principalOf(request), field, code);
  });

  app.delete('/me', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Delete my account',
      description: 'GDPR art. 17. Needs the current password. Every session and API key of the account ends at once; for the grace period (14 days by default) a sign-in restores the account, after it the personal data is erased (events keep only which fields changed, and when).',
      security,
      body: Type.Object({ current_password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 202: Type.Object({ status: Type.Literal('deleting'), purge_after: Type.String({ format: 'date-time' }) }), ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    const { current_password } = request.body as { current_password: string };
    const result = await services.deletion.requestDeletion(principalOf(request), current_password);
    return reply.code(202).send({ status: 'deleting', purge_after: result.purge_after });
  });
}
