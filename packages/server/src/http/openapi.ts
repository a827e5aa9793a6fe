import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { Config } from '../config/load.ts';
import type { Dialect } from '../dialects/port.ts';

/** The OpenAPI 3.1 document, generated from the route schemas of every dialect. */
export function openApiOptions(config: Config, dialects: readonly Dialect[]): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Profiled',
        version: '0.1.0',
        description: 'A self-hostable user-profile service. Every dialect reads and writes the same stored profile.',
      },
      servers: [{ url: config.issuer }],
      tags: [
        ...dialects.map((d) => ({ name: d.name, description: d.description })),
        { name: 'oauth', description: 'Tokens, signing keys and server metadata.' },
        { name: 'operations', description: 'Health, readiness and metrics.' },
        { name: 'files', description: 'Uploaded profile pictures and résumés, named by the hash of their content.' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /oauth/token (or an API key, where allowed). `?access_token=` works too.' },
        },
      },
    },
    // Registry-validated bodies carry a marker for the validator; keep it out of the document.
    // A body given per content type (uploads) carries it in each type's schema.
    transform: ({ schema, url }) => {
      const body = (schema as { body?: Record<string, unknown> } | undefined)?.body;
      if (!body) return { schema, url };
      const content = body['content'] as Record<string, { schema: Record<string, unknown> }> | undefined;
      if (content) return { schema: { ...schema, body: { ...body, content: Object.fromEntries(Object.entries(content).map(([type, c]) => [type, { ...c, schema: unmarked(c.schema) }])) } }, url };
      if (!('x-validated-by' in body)) return { schema, url };
      return { schema: { ...schema, body: unmarked(body) }, url };
    },
  };
}

function unmarked(schema: Record<string, unknown>): Record<string, unknown> {
  const { 'x-validated-by': _marker, ...rest } = schema;
  return rest;
}
