import type { FastifyCorsOptions } from '@fastify/cors';
import type { Config } from '../config/load.ts';

/**
 * CORS for the configured browser origins only (`CORS_ORIGINS`). A listed origin is echoed
 * back (with `Vary: Origin`), never `*`; any other origin gets no CORS header at all, and its
 * preflight no allow headers. Credentials are not allowed: the cross-origin credential is a
 * bearer token the page sends itself, not a cookie. app.ts registers this only when the list
 * is non-empty, so by default the server sends no CORS headers.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function corsOptions(config: Pick<Config, 'corsOrigins'>): FastifyCorsOptions {
  const allowed = new Set(config.corsOrigins);
  return {
    // A function, not the array: with an array the plugin still answers an unlisted origin's
    // preflight with the allowed methods and headers.
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    credentials: false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
  };
}
