import { issue, ProfiledError, type FieldIssue } from '@profiled/core';
import type { PasswordChange, ProfileView } from '../../service/index.ts';
import { createMapping } from '../mapping.ts';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { registryBody } from '../support.ts';
import { actionConfirmationSchema, confirmation } from './envelope.ts';
import { coworkerFields } from './fields.ts';

/** A two-letter language prefix (`/en/…`, `/de/…`): every language answers the same. */
export const LANG = ':lang(^[a-z]{2}$)';

const NOTIFICATIONS = ['OnHelpDeskMsg', 'OnNewWallPost', 'OnNewBlogComment', 'OnNewEventComment', 'ReceiveCommunityDigest', 'SignUpToNewsletter'];
const CREDENTIALS = { OldPassword: 'current_password', NewPassword: 'new_password', RepeatNewPassword: 'repeat_password' } as const;

/**
 * The credentials section. NewPassword needs OldPassword and an equal RepeatNewPassword;
 * the profile service checks the old password, the match and the policy, and reports each
 * under its own field. Values are never echoed back.
 */
function passwordChange(input: Readonly<Record<string, unknown>>, issues: FieldIssue[]): PasswordChange | undefined {
  const given = (Object.keys(CREDENTIALS) as (keyof typeof CREDENTIALS)[]).filter((k) => input[k] !== undefined);
  if (given.length === 0) return undefined;
  for (const k of given) if (typeof input[k] !== 'string') issues.push(issue(CREDENTIALS[k], 'profile.invalid_type', `${k} must be a string.`));
  const next = input['NewPassword'];
  if (typeof next !== 'string') {
    if (next === undefined) issues.push(issue('new_password', 'profile.field_required', 'Enter the new password (NewPassword) to change your password.'));
    return undefined;
  }
  const repeat = input['RepeatNewPassword'];
  if (repeat === undefined) issues.push(issue('repeat_password', 'profile.field_required', 'Repeat the new password (RepeatNewPassword).'));
  const current = input['OldPassword'];
  return { current: typeof current === 'string' ? current : null, next, ...(typeof repeat === 'string' ? { repeat } : {}) };
}

/** `PATCH /api/public/coworker/profile`, `GET /{lang}/profile?_resource=Coworker` and `GET /login/me`. */
export function profileRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services, registry } = ctx;
  const mapping = createMapping(registry, coworkerFields(services.countries));
  const handled = new Set(Object.keys(CREDENTIALS));
  const security = [{ bearer: [] }];
  const envelopes = { 200: actionConfirmationSchema, 400: actionConfirmationSchema, 401: actionConfirmationSchema, 403: actionConfirmationSchema, 404: actionConfirmationSchema, 409: actionConfirmationSchema, 413: actionConfirmationSchema, 415: actionConfirmationSchema };
  const patchSchema = mapping.schema({ title: 'CoworkerProfileUpdate', writable: true });
  const credentialSchema = { type: 'string', maxLength: 1024, writeOnly: true };
  (patchSchema['properties'] as Record<string, unknown>)['OldPassword'] = { ...credentialSchema, description: 'The current password. Required when changing the password.' };
  (patchSchema['properties'] as Record<string, unknown>)['NewPassword'] = { ...credentialSchema, description: "The new password; must satisfy the location's password policy." };
  (patchSchema['properties'] as Record<string, unknown>)['RepeatNewPassword'] = { ...credentialSchema, description: 'Must match NewPassword exactly.' };

  app.patch('/api/public/coworker/profile', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Update Profile',
      description: "Partially updates the authenticated customer's profile: personal information, billing details, professional profile, social media, notification preferences and credentials. Omitted fields are unchanged; null clears a `string | null` field and is refused on any other. A password change needs OldPassword and RepeatNewPassword and ends every other session. Applied whole or not at all.",
      security,
      body: registryBody(patchSchema),
      response: envelopes,
    },
  }, async (request) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProfiledError('request.invalid_body');
    const input = body as Record<string, unknown>;
    const issues: FieldIssue[] = [];
    const password = passwordChange(input, issues);
    const translated = mapping.toCanonical(input, { handled });
    const view = await services.profiles.patch(principalOf(request), { changes: translated.changes, issues: [...issues, ...translated.issues], ...(password ? { password } : {}) });
    const waiting = pendingOf(view);
    // A new MobilePhone waits for its code: the confirmation says so, and the profile shows it.
    return waiting.length === 0 ? confirmation() : { ...confirmation(), Message: waiting.map((p) => `${p.PropertyName} stays as it is until the code sent to ${p.Value} is entered.`).join(' ') };
  });

  /** The pending values of fields this contract carries, under their wire names. */
  const pendingOf = (view: ProfileView) => mapping.pending(view.pending).map((p) => ({ PropertyName: p.field, Value: p.value, ExpiresAt: p.expires_at }));

  const coworkerSchema = mapping.schema({ title: 'Coworker', writable: false });
  (coworkerSchema['properties'] as Record<string, unknown>)['PendingChanges'] = {
    type: 'array',
    description: 'Present only while a written value waits for the code sent to it (a new MobilePhone is texted one); the field itself keeps the verified value until then.',
    items: { type: 'object', properties: { PropertyName: { type: 'string' }, Value: { type: 'string' }, ExpiresAt: { type: 'string', format: 'date-time' } } },
  };
  // A country not set yet reads as null (and null is refused on write: the seed types it as a number).
  for (const name of ['CountryId', 'BillingCountryId']) {
    const properties = coworkerSchema['properties'] as Record<string, Record<string, unknown>>;
    properties[name] = { ...properties[name], type: ['integer', 'null'] };
  }
  app.get(`/${LANG}/profile`, {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Get the profile for editing',
      description: 'Every field of the PATCH under the same names (the credentials excepted). Any two-letter language prefix answers the same. `_resource` must be `Coworker` when given.',
      security,
      querystring: { type: 'object', properties: { _resource: { type: 'string', maxLength: 50 } } },
      response: { 200: coworkerSchema, 400: actionConfirmationSchema, 401: actionConfirmationSchema, 403: actionConfirmationSchema, 404: actionConfirmationSchema },
    },
  }, async (request) => {
    const resource = (request.query as { _resource?: string })._resource;
    if (resource !== undefined && resource.toLowerCase() !== 'coworker') {
      throw new ProfiledError('request.invalid_parameter', { message: `Unknown _resource "${resource.slice(0, 50)}": only Coworker is served.`, issues: [issue('_resource', 'request.invalid_parameter', 'Only _resource=Coworker is served.')] });
    }
    const view = await services.profiles.get(principalOf(request));
    const wire: Record<string, unknown> = mapping.toWire(view.values);
    const waiting = pendingOf(view);
    if (waiting.length > 0) wire['PendingChanges'] = waiting;
    return wire;
  });

  app.get('/login/me', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'The current session',
      description: 'Who is signed in: the user, the active profile and its organization (location), the culture and the notification preferences.',
      security,
      response: {
        200: {
          type: 'object',
          properties: {
            UserId: { type: 'string' }, UserName: { type: 'string' }, Email: { type: ['string', 'null'] }, FullName: { type: 'string' },
            CoworkerId: { type: 'string', description: 'The active profile.' }, BusinessId: { type: 'string', description: 'The organization of the active profile.' }, BusinessName: { type: 'string' },
            Culture: { type: 'string' }, IsAdmin: { type: 'boolean' },
            ...Object.fromEntries(NOTIFICATIONS.map((n) => [n, { type: 'boolean' }])),
          },
        },
        401: actionConfirmationSchema, 403: actionConfirmationSchema, 404: actionConfirmationSchema,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const [view, profiles] = await Promise.all([services.profiles.get(principal), services.profiles.list(principal)]);
    const wire = mapping.toWire(view.values);
    const org = profiles.find((p) => p.active);
    return {
      UserId: principal.accountId,
      UserName: view.values['username'],
      Email: view.values['email'] ?? null,
      FullName: view.values['display_name'],
      CoworkerId: view.id,
      BusinessId: view.orgId,
      BusinessName: org?.org_name ?? '',
      Culture: (view.values['preferred_language'] as string | null) ?? 'en',
      IsAdmin: principal.kind === 'admin',
      ...Object.fromEntries(NOTIFICATIONS.map((n) => [n, wire[n]])),
    };
  });
}

