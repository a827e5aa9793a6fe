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
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /oauth/token (or an API key, where allowed). `?access_token=` works too.' },
        },
      },
    },
    // Registry-validated bodies carry a marker for the validator; keep it out of the document.
    transform: ({ schema, url }) => {
      const body = (schema as { body?: Record<string, unknown> } | undefined)?.body;
      if (!body || !('x-validated-by' in body)) return { schema, url };
      const { 'x-validated-by': _marker, ...rest } = body;
      return { schema: { ...schema, body: rest }, url };
    },
  };
}
