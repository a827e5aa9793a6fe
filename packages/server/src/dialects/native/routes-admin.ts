import { ProfiledError, objectSchema } from '@profiled/core';
import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { projection, registryBody } from '../support.ts';
import { errorResponses, profileSchemas } from './schemas.ts';

const entrySchema = Type.Object({ id: Type.Integer(), name: Type.String(), description: Type.Union([Type.String(), Type.Null()]) }, { title: 'VocabularyEntry' });
const kindParams = Type.Object({ kind: Type.Union([Type.Literal('skill'), Type.Literal('investment_interest'), Type.Literal('tag')]) });

/**
 * `/v1/admin/…`, for accounts of kind admin, within their active organization: the
 * admin-set profile fields (ranking, streak, title) and the organization's vocabularies.
 */
export function adminRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services, registry } = ctx;
  const security = [{ bearer: [] }];
  const project = projection(registry.readableFields);
  const writable = registry.readableFields.filter((f) => f.owner === 'profile' && (f.writer === 'self' || f.writer === 'admin'));
  const adminOnly = (request: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(request);
    services.adminProfiles.requireAdmin(principal);
    return principal;
  };

  app.patch('/admin/profiles/:profileId', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Change a member profile (administrators)',
      description: 'Sets fields of a profile in your organization, the admin-only ones included (top_domain_elo, top_domain_rank, streak, highest_streak, streak_freeze_days, title, unlocked_titles). Account fields are refused. Whole or nothing; one event with you as the actor.',
      security,
      params: Type.Object({ profileId: Type.String({ maxLength: 64 }) }),
      body: registryBody({ ...objectSchema(writable, { title: 'AdminProfilePatch', writable: true }), description: 'Canonical field names; omitted fields stay, null clears a nullable field.' }),
      response: { 200: profileSchemas(registry).profile, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
  }, async (request) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProfiledError('request.invalid_body');
    const view = await services.adminProfiles.patch(principalOf(request), (request.params as { profileId: string }).profileId, body as Record<string, unknown>);
    return project(view.values);
  });

  app.get('/admin/vocabularies/:kind', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'List a vocabulary (administrators)',
      description: 'The skills, investment interests or tags of your organization, by name.',
      security,
      params: kindParams,
      response: { 200: Type.Object({ entries: Type.Array(entrySchema) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => {
    const principal = adminOnly(request);
    return { entries: await services.vocabularies.list({ id: principal.orgId }, (request.params as { kind: string }).kind) };
  });

  app.post('/admin/vocabularies/:kind', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Add a vocabulary entry (administrators)',
      description: 'Adds a skill, investment interest or tag to your organization\'s vocabulary. A name it has already (in any case) is refused.',
      security,
      params: kindParams,
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), description: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])) }, { additionalProperties: false }),
      response: { 201: entrySchema, ...errorResponses(400, 401, 403, 413, 415) },
    },
  }, async (request, reply) => {
    const principal = adminOnly(request);
    const { name, description } = request.body as { name: string; description?: string | null };
    const entry = await services.vocabularies.add({ id: principal.orgId }, { kind: (request.params as { kind: string }).kind, name, description });
    return reply.code(201).send(entry);
  });

  app.put('/admin/vocabulary-settings', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Vocabulary settings (administrators)',
      description: 'With free entry on, unknown skill and interest names in a profile write are added to the vocabulary instead of refused.',
      security,
      body: Type.Object({ free_entry: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: Type.Object({ free_entry: Type.Boolean() }), ...errorResponses(400, 401, 403, 413, 415) },
    },
  }, async (request) => {
    const principal = adminOnly(request);
    const { settings } = await services.vocabularies.setFreeEntry({ id: principal.orgId }, (request.body as { free_entry: boolean }).free_entry);
    return { free_entry: settings.vocabulary_free_entry };
  });
}
