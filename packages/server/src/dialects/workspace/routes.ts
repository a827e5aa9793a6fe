import { issue, ProfiledError, type FieldIssue } from '@profiled/core';
import type { ProfileView } from '../../service/index.ts';
import { createMapping, type WireField } from '../mapping.ts';
import { principalOf, type DialectContext, type FastifyInstance, type FastifyReply, type FastifyRequest } from '../port.ts';
import { registryBody } from '../support.ts';
import { envelope, fieldMessage, type Message } from './envelope.ts';

const USER_TYPES: Record<string, number> = { human: 0, service: 1, admin: 2 };

/** The workspace account contract, wire name ⇄ canonical field. UserType: 0 human, 1 service, 2 admin. */
export const accountFields: readonly WireField[] = [
  { wire: 'UserId', field: 'account_id', readOnly: true, schema: { type: ['string', 'null'], description: 'Workspace user identifier.' } },
  { wire: 'UserName', field: 'username', nullable: false, schema: { type: ['string', 'null'], maxLength: 150, description: 'Login user name; null is refused (username.required).' } },
  { wire: 'Email', field: 'email', schema: { type: ['string', 'null'], format: 'email', description: 'Email address; null is refused for a person (email.required).' } },
  { wire: 'FirstName', field: 'given_name', schema: { type: ['string', 'null'], maxLength: 200, description: 'First name; null clears it.' } },
  { wire: 'LastName', field: 'family_name', schema: { type: ['string', 'null'], maxLength: 200, description: 'Last name; null clears it.' } },
  { wire: 'UserType', field: 'kind', readOnly: true, toWire: (v) => USER_TYPES[String(v)] ?? 0, schema: { type: 'integer', enum: [0, 1, 2], description: '0 human, 1 service account, 2 administrator.' } },
];

export const workspaceWireName = (field: string) => accountFields.find((f) => f.field === field)?.wire ?? field;

const messageSchema = { type: 'object', properties: { Code: { type: ['string', 'null'] }, Message: { type: ['string', 'null'] }, Target: { type: ['string', 'null'] }, Field: { type: ['string', 'null'] }, Metadata: { type: 'object', additionalProperties: { type: ['string', 'null'] } }, Type: { type: 'integer', enum: [0, 1, 2] }, Severity: { type: 'integer', enum: [0, 1, 2] } } };

/**
 * PUT with partial semantics: an omitted field is unchanged. `null` clears FirstName and
 * LastName (to ""), and is refused for UserName (the login name) and for a person's Email.
 * A 400 carries the profile as stored in `Data`; a changed email adds a warning.
 */
export function workspaceRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const mapping = createMapping(ctx.registry, accountFields);
  const data = (view: ProfileView) => mapping.toWire(view.values);
  const dataSchema = mapping.schema({ title: 'WorkspaceAccountProfile', writable: false });
  const envelopeSchema = { type: 'object', properties: { Data: dataSchema, Errors: { type: ['array', 'null'], items: messageSchema }, Warnings: { type: ['array', 'null'], items: messageSchema }, Success: { type: 'boolean' } } };
  const problem = { type: 'object', properties: { type: { type: ['string', 'null'] }, title: { type: ['string', 'null'] }, status: { type: ['integer', 'null'] }, detail: { type: ['string', 'null'] }, instance: { type: ['string', 'null'] } } };
  const security = [{ bearer: [] }];
  const responses = { 200: envelopeSchema, 400: envelopeSchema, 401: envelopeSchema, 403: problem, 404: envelopeSchema };

  // A new Email is not applied until its code is entered (issue 10): `Data.Email` stays the
  // verified address, and the pending one is this warning, on every read until then.
  const pendingWarnings = (view: ProfileView): Message[] =>
    (view.pending ?? []).filter((p) => p.field === 'email').map((p) => ({ Code: 'email.unverified', Message: `The email address is changing to ${p.value}, which is not verified yet: enter the code sent there.`, Target: 'Email', Field: 'Email', Metadata: { PendingValue: p.value, ExpiresAt: p.expires_at }, Type: 0, Severity: 1 }));

  app.get('/api/workspace/account/profile', {
    preHandler: ctx.authenticateSelf,
    schema: { summary: 'Get the authenticated workspace account profile', description: 'Service accounts cannot access this endpoint via API keys. `access_token` may be given in the query.', security, response: responses },
  }, async (request) => {
    const view = await ctx.services.profiles.get(principalOf(request));
    return envelope(data(view), [], pendingWarnings(view));
  });

  app.put('/api/workspace/account/profile', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: "Update the authenticated workspace user's profile fields",
      description: 'An omitted field is unchanged; null clears FirstName/LastName and is refused for UserName and a person\'s Email. Service accounts cannot access this endpoint via API keys.',
      security,
      body: registryBody(mapping.schema({ title: 'UpdateWorkspaceAccountProfile', writable: true })),
      response: responses,
    },
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProfiledError('request.invalid_body');
    const input: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    const issues: FieldIssue[] = [];
    for (const name of ['FirstName', 'LastName']) if (input[name] === null) input[name] = '';
    if (input['UserName'] === null) issues.push(issue('username', 'profile.field_required', 'UserName is the login name and cannot be cleared.'));
    if (input['Email'] === null && principalOf(request).kind !== 'service') issues.push(issue('email', 'profile.field_required', 'A person needs an email address.'));
    for (const name of ['UserName', 'Email']) if (input[name] === null) delete input[name];
    const translated = mapping.toCanonical(input);
    const principal = principalOf(request);
    try {
      const view = await ctx.services.profiles.patch(principal, { changes: translated.changes, issues: [...issues, ...translated.issues] });
      return envelope(data(view), [], pendingWarnings(view));
    } catch (err) {
      if (!(err instanceof ProfiledError) || err.issues.length === 0) throw err;
      const stored = await ctx.services.profiles.get(principal);
      return reply.code(400).send(envelope(data(stored), err.issues.map((i) => fieldMessage(i, mapping.wireName(i.field)))));
    }
  });
}
