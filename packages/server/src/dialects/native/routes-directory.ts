import { objectSchema } from '@profiled/core';
import Type from 'typebox';
import type { ProfileView } from '../../service/index.ts';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { projection } from '../support.ts';
import { errorResponses } from './schemas.ts';

/** `/v1/directory`: the public profiles of the member's organization, searchable. */
export function directoryRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services, registry } = ctx;
  const project = projection(registry.publicFields);
  const entry = objectSchema(registry.publicFields, { title: 'DirectoryProfile', writable: false });
  (entry['properties'] as Record<string, unknown>)['summary_html'] = { type: 'string', description: 'The summary rendered as sanitized HTML.' };
  (entry['required'] as string[]).push('summary_html');
  const security = [{ bearer: [] }];
  const render = (view: ProfileView) => ({ ...project(view.values), summary_html: services.markdown.renderSummary(view.values['summary'] as string | null) });

  app.get('/directory', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Search the member directory',
      description: 'Public profiles of your organization. With `q`: full-text search over name, position, company, business area, summary and tags (every word, as a prefix), best matches first, then by name. `tag` keeps profiles carrying that tag. Only public fields are returned.',
      security,
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 200 })),
        tag: Type.Optional(Type.String({ maxLength: 50 })),
        cursor: Type.Optional(Type.String({ maxLength: 500 })),
        limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ profiles: Type.Array(Type.Unsafe(entry)), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const query = request.query as { q?: string; tag?: string; cursor?: string; limit: number };
    const key = `native:directory:${JSON.stringify([query.q ?? null, query.tag ?? null, query.cursor ?? null, query.limit])}`;
    const body = await services.directory.rendered(principal, key, async () => {
      const page = await services.directory.list(principal, query);
      return { profiles: page.profiles, body: reply.serialize({ profiles: page.profiles.map(render), next: page.next ?? null }) as string };
    });
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get('/directory/:profileId', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'A member directory profile',
      description: 'One public profile of your organization; a private profile or one of another organization is not found.',
      security,
      params: Type.Object({ profileId: Type.String({ maxLength: 64 }) }),
      response: { 200: entry, ...errorResponses(401, 403, 404) },
    },
  }, async (request) => render(await services.directory.get(principalOf(request), (request.params as { profileId: string }).profileId)));
}
