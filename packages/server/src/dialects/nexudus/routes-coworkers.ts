import { ProfiledError } from '@profiled/core';
import type { ProfileView } from '../../service/index.ts';
import { createMapping, type WireField } from '../mapping.ts';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { actionConfirmationSchema, confirmation } from './envelope.ts';
import { LANG } from './routes-profile.ts';
import { applyShape, parseShape } from './shape.ts';

/** A published (directory) coworker: public registry fields only — the mapping refuses any other. */
const PUBLISHED: readonly WireField[] = [
  { wire: 'FullName', field: 'display_name' },
  { wire: 'AvatarUrl', field: 'picture' },
  { wire: 'Position', field: 'position' },
  { wire: 'CompanyName', field: 'company_name' },
  { wire: 'BusinessArea', field: 'business_area' },
  { wire: 'ProfileSummary', field: 'summary' },
  { wire: 'ProfileWebsite', field: 'website' },
  { wire: 'ProfileTagsList', field: 'tags' },
  { wire: 'Twitter', field: 'twitter' },
  { wire: 'Linkedin', field: 'linkedin' },
  { wire: 'Github', field: 'github' },
  { wire: 'Instagram', field: 'instagram' },
  { wire: 'Facebook', field: 'facebook' },
  { wire: 'Telegram', field: 'telegram' },
];

const shapeParam = { type: 'string', maxLength: 1000, description: 'Comma-separated field paths to keep, e.g. Records.FullName,TotalItems.' };
const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };

/**
 * `/api/public/coworkers/…`: the profile switcher (`profiles`), the member directory
 * (`published`), the country list and the AI-written summary.
 */
export function coworkerRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services, registry } = ctx;
  for (const w of PUBLISHED) if (!registry.byName.get(w.field)?.public) throw new Error(`nexudus: ${w.wire} would publish the private field ${w.field}`);
  const published = createMapping(registry, PUBLISHED);
  const security = [{ bearer: [] }];
  const errors = { 400: actionConfirmationSchema, 401: actionConfirmationSchema, 403: actionConfirmationSchema, 404: actionConfirmationSchema };

  const record = (view: ProfileView, orgName: string) => ({
    Id: view.number,
    UniqueId: view.id,
    GuessedFirstName: String(view.values['display_name'] ?? '').trim().split(/\s+/)[0] ?? '',
    ...published.toWire(view.values),
    ProfileSummaryHtml: services.markdown.renderSummary(view.values['summary'] as string | null),
    InvoicingSpaceName: orgName,
  });
  const recordSchema = published.schema({ title: 'PublishedCoworker', writable: false });
  Object.assign(recordSchema['properties'] as Record<string, unknown>, {
    Id: { type: 'integer', description: 'Numeric profile id; use it in /api/public/coworkers/published/{coworkerId}.' },
    UniqueId: { type: 'string', description: 'Globally unique profile id.' },
    GuessedFirstName: { type: 'string', description: 'The first word of FullName.' },
    ProfileSummaryHtml: { type: 'string', description: 'ProfileSummary rendered as sanitized HTML.' },
    InvoicingSpaceName: { type: 'string', description: 'The organization (location) the profile belongs to.' },
  });
  recordSchema['additionalProperties'] = true;
  delete recordSchema['required'];
  const orgNameOf = async (principal: ReturnType<typeof principalOf>) => (await services.profiles.list(principal)).find((p) => p.active)?.org_name ?? '';

  app.get('/api/public/countries', {
    schema: {
      summary: 'List countries',
      description: 'ISO 3166-1 countries (from i18n-iso-countries); `Id` is the ISO numeric code that CountryId and BillingCountryId take; `Culture` the likely locale (from CLDR). No sign-in needed.',
      response: { 200: { type: 'object', properties: { Countries: { type: 'array', items: { type: 'object', properties: { Id: { type: 'integer' }, Name: str, TwoDigitsCode: str, Culture: str } } } } } },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=86400');
    return { Countries: services.countries.list('en').map((c) => ({ Id: c.numeric, Name: c.name, TwoDigitsCode: c.code, Culture: cultureOf(c.code) })) };
  });

  app.get('/api/public/coworkers/profiles', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'List all customer profiles for the session',
      description: 'The profile switcher: the signed-in user, the organization (location) of the active profile, and every profile of the account, the active one marked. Switch with POST /api/public/coworkers/profiles/{coworkerId}/switch.',
      security,
      response: {
        200: {
          type: 'object',
          properties: {
            User: { type: 'object', properties: { Id: str, UserName: str, Email: nstr, FullName: str } },
            DefaultBusiness: { type: 'object', properties: { Id: str, Name: str, Slug: str } },
            Profiles: { type: 'array', items: { type: 'object', properties: { Id: { type: 'integer' }, UniqueId: str, FullName: str, BusinessId: str, BusinessName: str, BusinessSlug: str, IsActive: { type: 'boolean' } } } },
          },
        },
        ...errors,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const [view, profiles] = await Promise.all([services.profiles.get(principal), services.profiles.list(principal)]);
    const active = profiles.find((p) => p.active);
    return {
      User: { Id: principal.accountId, UserName: view.values['username'], Email: view.values['email'] ?? null, FullName: view.values['display_name'] },
      DefaultBusiness: { Id: view.orgId, Name: active?.org_name ?? '', Slug: active?.org_slug ?? '' },
      Profiles: profiles.map((p) => ({ Id: p.number, UniqueId: p.id, FullName: p.display_name, BusinessId: p.org_id, BusinessName: p.org_name, BusinessSlug: p.org_slug, IsActive: p.active })),
    };
  });

  app.post('/api/public/coworkers/profiles/:coworkerId/switch', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Switch the active profile',
      description: 'Makes another profile of the account (by Id or UniqueId) the active one. `Value` is a new access token for it; the session and its refresh token follow the switch.',
      security,
      params: { type: 'object', properties: { coworkerId: { type: 'string', maxLength: 64 } }, required: ['coworkerId'] },
      response: { 200: actionConfirmationSchema, ...errors },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { coworkerId } = request.params as { coworkerId: string };
    const id = coworkerIdOf(coworkerId);
    const target = typeof id === 'number' ? (await services.profiles.list(principal)).find((p) => p.number === id)?.id : id;
    if (!target) throw new ProfiledError('profile.not_found');
    const token = await services.sessions.switchProfile(principal, target);
    return confirmation(token.access_token);
  });

  app.get('/api/public/coworkers/published', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'List published customer profiles',
      description: 'The member directory: public profiles of your organization, public fields only. `query` searches name, position, company, business area, summary and tags (every word as a prefix; best matches first, then by name); `tag` keeps profiles with that tag; `order` 1 (by name) is the one order. Paged by `page` (from 1) and `size` (default 25, at most 100).',
      security,
      querystring: {
        type: 'object',
        properties: {
          query: { type: 'string', maxLength: 200, default: '' },
          tag: { type: 'string', maxLength: 50, default: '' },
          order: { type: 'integer', enum: [1], default: 1 },
          page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
          size: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
          _shape: shapeParam,
        },
      },
      response: {
        200: { type: 'object', additionalProperties: true, properties: { Records: { type: 'array', items: recordSchema }, CurrentPage: { type: 'integer' }, PageSize: { type: 'integer' }, TotalItems: { type: 'integer' }, TotalPages: { type: 'integer' }, HasNextPage: { type: 'boolean' }, HasPreviousPage: { type: 'boolean' } } },
        ...errors,
      },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const q = request.query as { query: string; tag: string; page: number; size: number; _shape?: string };
    const key = `nexudus:published:${JSON.stringify([q.query, q.tag, q.page, q.size, q._shape ?? null])}`;
    const body = await services.directory.rendered(principal, key, async () => {
      const [result, orgName] = await Promise.all([services.directory.page(principal, { q: q.query, tag: q.tag, page: q.page, size: q.size }), orgNameOf(principal)]);
      const totalPages = Math.ceil(result.total / q.size);
      const list = {
        Records: result.profiles.map((v) => record(v, orgName)),
        CurrentPage: q.page,
        PageSize: q.size,
        TotalItems: result.total,
        TotalPages: totalPages,
        HasNextPage: q.page < totalPages,
        HasPreviousPage: q.page > 1,
      };
      // Serialised here: a shaped body is a subset the response schema would pad out again.
      return { profiles: result.profiles, body: JSON.stringify(applyShape(list, parseShape(q._shape))) };
    });
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get('/api/public/coworkers/published/:coworkerId', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Get a published customer profile',
      description: 'One public profile of your organization, by its numeric Id (or UniqueId). A private profile, or one of another organization, is not found.',
      security,
      params: { type: 'object', properties: { coworkerId: { type: 'string', maxLength: 64 } }, required: ['coworkerId'] },
      querystring: { type: 'object', properties: { _shape: shapeParam } },
      response: { 200: { type: 'object', properties: { Coworker: recordSchema } }, ...errors },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { coworkerId } = request.params as { coworkerId: string };
    const [view, orgName] = await Promise.all([services.directory.get(principal, coworkerIdOf(coworkerId)), orgNameOf(principal)]);
    const body = { Coworker: record(view, orgName) };
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(applyShape(body, parseShape((request.query as { _shape?: string })._shape))));
  });

  app.post(`/${LANG}/profile/GenerateOpenAiProfile`, {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Generate an AI-written professional profile summary',
      description: 'A Markdown summary written from the professional fields only (never email, phones, address, birth date, billing or tax data), by the configured OpenAI-compatible provider or the offline writer. `Value` is the text; nothing is saved — review it and PATCH ProfileSummary. Throttled → 409; provider timeout → 504; provider failure → 502.',
      security,
      response: { 200: actionConfirmationSchema, ...errors, 409: actionConfirmationSchema, 502: actionConfirmationSchema, 504: actionConfirmationSchema },
    },
  }, async (request) => confirmation((await services.summaries.generate(principalOf(request))).summary));
}

/** A coworker id in a path: the numeric `Id`, or else the `UniqueId`. */
const coworkerIdOf = (param: string): number | string => (/^\d{1,15}$/.test(param) ? Number(param) : param);

/** The likely locale of a country (CLDR's likely subtags, through ICU): "en-GB", "de-CH". */
function cultureOf(region: string): string {
  try {
    return `${new Intl.Locale(`und-${region}`).maximize().language}-${region}`;
  } catch {
    return `en-${region}`;
  }
}

