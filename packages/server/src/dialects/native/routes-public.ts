import { formMetadata } from '@profiled/core';
import Type from 'typebox';
import type { DialectContext, FastifyInstance } from '../port.ts';

/** Public, sign-in-free reference data: the country list and the profile form metadata. */
export function publicRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services, registry } = ctx;
  const metadata = formMetadata(registry);

  app.get('/countries', {
    schema: {
      summary: 'List countries',
      description: 'ISO 3166-1 countries (from i18n-iso-countries), names in the requested language.',
      querystring: Type.Object({ lang: Type.String({ default: 'en', pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$', description: 'Language of the names (BCP 47); English when not available.' }) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ countries: Type.Array(Type.Object({ code: Type.String(), alpha3: Type.String(), numeric: Type.Integer(), name: Type.String() })) }),
      },
    },
  }, async (request, reply) => {
    const { lang } = request.query as { lang: string };
    reply.header('cache-control', 'public, max-age=86400');
    return { countries: services.countries.list(services.countries.languageFor(lang)) };
  });

  app.get('/profile-schema', {
    schema: {
      summary: 'Profile form metadata',
      description: 'Every profile field as the registry declares it: label, section, type, limits, writability. Forms are built from this.',
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return metadata;
  });
}
