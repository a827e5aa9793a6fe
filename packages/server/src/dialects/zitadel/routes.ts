import { errorCatalogue, issue, ProfiledError, type FieldIssue } from '@profiled/core';
import type { ProfileView } from '../../service/index.ts';
import { createMapping } from '../mapping.ts';
import { principalOf, type DialectContext, type FastifyInstance, type FastifyRequest } from '../port.ts';
import { registryBody } from '../support.ts';
import { profileFields } from './fields.ts';

const REQUIRED = ['firstName', 'lastName', 'displayName'] as const;
const OPTIONAL_NON_EMPTY = ['nickName'] as const;

const errorSchema = { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' }, details: { type: 'array', items: {} } } };
const details = (withCreation: boolean) => ({
  type: 'object',
  properties: {
    sequence: { type: 'string', description: 'The profile version (uint64 as a string); strictly increases.' },
    ...(withCreation ? { creationDate: { type: 'string', format: 'date-time' } } : {}),
    changeDate: { type: 'string', format: 'date-time' },
    resourceOwner: { type: 'string', description: 'The organization the profile belongs to.' },
  },
});

/** The field names ZITADEL uses, for error messages. */
export const zitadelWireName = (field: string) => profileFields.find((f) => f.field === field)?.wire ?? field;

/**
 * PUT is a full update of the six profile fields, as ZITADEL's UpdateMyProfile: the three
 * names are required and non-empty; an omitted nickName or preferredLanguage clears it and
 * an omitted gender is GENDER_UNSPECIFIED (proto3 defaults); a PUT that changes nothing
 * answers FailedPrecondition "Profile not changed", as ZITADEL does.
 */
export function zitadelRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const mapping = createMapping(ctx.registry, profileFields);
  const security = [{ bearer: [] }];

  const detailsOf = (view: ProfileView, creation: boolean) => ({
    sequence: String(view.version),
    ...(creation ? { creationDate: view.createdAt } : {}),
    changeDate: view.updatedAt,
    resourceOwner: view.orgId,
  });

  app.get('/users/me/profile', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Get My Profile',
      description: 'The profile of the authenticated user (given name, family name, language…) with its details.',
      security,
      response: { 200: { type: 'object', properties: { details: details(true), profile: mapping.schema({ title: 'Profile', writable: false }) } }, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const view = await ctx.services.profiles.get(principalOf(request));
    return { details: detailsOf(view, true), profile: mapping.toWire(view.values) };
  });

  app.put('/users/me/profile', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Update My Profile',
      description: 'Change the profile information of the authenticated user. firstName, lastName and displayName are required and non-empty (≤ 200); nickName non-empty when present; preferredLanguage ≤ 10, BCP 47; gender one of GENDER_UNSPECIFIED, GENDER_FEMALE, GENDER_MALE, GENDER_DIVERSE.',
      security,
      body: registryBody({ ...mapping.schema({ title: 'UpdateMyProfileRequest', writable: true }), required: [...REQUIRED] }),
      response: { 200: { type: 'object', properties: { details: details(false) } }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request: FastifyRequest) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProfiledError('request.invalid_body');
    const input = body as Record<string, unknown>;
    const issues: FieldIssue[] = [];
    for (const name of [...REQUIRED, ...OPTIONAL_NON_EMPTY]) {
      const value = input[name];
      const required = (REQUIRED as readonly string[]).includes(name);
      if (value === undefined || value === null) {
        if (required) issues.push(issue(profileFields.find((f) => f.wire === name)!.field, 'profile.field_required', `${name} is required`));
      } else if (typeof value === 'string' && value.trim() === '') {
        issues.push(issue(profileFields.find((f) => f.wire === name)!.field, 'profile.too_short', `${name} must not be empty`));
      }
    }
    const full: Record<string, unknown> = { nickName: null, preferredLanguage: null, gender: 'GENDER_UNSPECIFIED', ...input };
    if (full.preferredLanguage === '') full.preferredLanguage = null;
    for (const name of REQUIRED) if (full[name] === undefined || full[name] === null || full[name] === '') delete full[name];
    const translated = mapping.toCanonical(full);
    const view = await ctx.services.profiles.patch(principalOf(request), { changes: translated.changes, issues: [...issues, ...translated.issues], requireChange: true });
    return { details: detailsOf(view, false) };
  });
}

export const nativeStatus = (code: keyof typeof errorCatalogue) => errorCatalogue[code].status;
