import { ProfiledError } from '@profiled/core';
import { principalOf, type DialectContext, type FastifyInstance, type FastifyReply, type FastifyRequest } from '../port.ts';
import { createMapping } from '../mapping.ts';
import { registryBody } from '../support.ts';
import { toDrfIssues, wirePaths } from './drf-messages.ts';
import { detailFields, userFields, viewFields } from './fields.ts';
import { translateRequest } from './request.ts';
import { errorResponses, requestSchema } from './schemas.ts';
import { pendingChangesProperty, renderView } from './view.ts';

const PATH = '/iam/user/profile/';

/**
 * `/api/v1/iam/user/profile/`: read and partially update one's own profile as
 * `IAMUserDetailView`. The path ends in a slash, as Django's do; without it, GET and HEAD are
 * redirected (301, Django's APPEND_SLASH) and other methods get 308, which keeps the method
 * and body (Django's 301 would make clients drop a PATCH body).
 */
export function profileRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services, registry } = ctx;
  const countries = services.countries.list('en');
  const user = createMapping(registry, userFields());
  const details = createMapping(registry, detailFields(countries));
  const view = createMapping(registry, viewFields(countries));
  const paths = wirePaths(user, details);
  const viewSchema = view.schema({ title: 'IAMUserDetailView', writable: false });
  (viewSchema['properties'] as Record<string, unknown>)['pending_changes'] = pendingChangesProperty;
  const security = [{ bearer: [] }];

  // DRF parses JSON only here (its form parsers cannot express `details`); an empty body is `{}`.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, {});
    return json(request, body as string, (err, value) => (err ? done(new ProfiledError('request.malformed_json', { message: parseComplaint(body as string), cause: err }), undefined) : done(null, value)));
  });

  app.get(PATH, {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Read my user profile',
      description: 'The signed-in person\'s profile as IAMUserDetailView.',
      security,
      response: { 200: viewSchema, ...pick(401, 403, 404) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    return renderView(services, view, principal, await services.profiles.get(principal));
  });

  app.patch(PATH, {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Update User Profile',
      description: 'Updates user profile information including both basic user data and details. Partial: omitted properties stay; read-only and unknown properties are ignored (Django REST framework). Skills and interests may be given by id or by name; focus areas by tag name (new names become tags) or tag id. Applied whole or not at all.',
      security,
      body: registryBody(requestSchema(user, details)),
      response: { 200: viewSchema, ...pick(400, 401, 403, 404, 413, 415) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    try {
      const { changes, issues, lists } = translateRequest(request.body, user, details);
      const profile = await services.vocabularies.patchProfile(principal, { changes, issues, lists });
      return await renderView(services, view, principal, profile);
    } catch (err) {
      throw toDrfIssues(err, registry, paths);
    }
  });

  app.route({
    method: ['POST', 'PUT', 'DELETE'],
    url: PATH,
    schema: { summary: 'Not allowed', description: 'Answers 405 with `Allow: GET, PATCH, HEAD`, as DRF does.', response: { 405: { type: 'object', additionalProperties: true } } },
    handler: async () => {
      throw new ProfiledError('request.method_not_allowed');
    },
  });

  const appendSlash = async (request: FastifyRequest, reply: FastifyReply) => {
    const at = request.url.indexOf('?');
    const target = at < 0 ? `${request.url}/` : `${request.url.slice(0, at)}/${request.url.slice(at)}`;
    return reply.code(request.method === 'GET' || request.method === 'HEAD' ? 301 : 308).header('location', target).send();
  };
  app.route({
    method: ['GET', 'PATCH', 'POST', 'PUT', 'DELETE'],
    url: PATH.slice(0, -1),
    schema: { summary: 'Append slash', description: 'Redirects to the path with its trailing slash: 301 for GET and HEAD (Django\'s APPEND_SLASH), 308 otherwise (the method and body are kept).', response: { 301: { type: 'null', description: 'Moved permanently.' }, 308: { type: 'null', description: 'Permanent redirect.' } } },
    handler: appendSlash,
  });
}

/**
 * DRF repeats its JSON parser's complaint. Fastify's parser (which also refuses `__proto__`
 * keys) keeps no detail, so the complaint is JSON.parse's — minus any quoted piece of the
 * body, which is not repeated back.
 */
function parseComplaint(body: string): string {
  try {
    JSON.parse(body);
    return 'Forbidden property name (__proto__ or constructor.prototype)';
  } catch (err) {
    return (err as Error).message.replace(/,? (?:\.\.\.)?".*$/s, '').slice(0, 200);
  }
}

function pick(...statuses: (keyof typeof errorResponses)[]) {
  return Object.fromEntries(statuses.map((s) => [s, errorResponses[s]]));
}
