import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The member portal's paths. They are listed rather than caught by a fallback, so an API
 * path can never be answered with the app's HTML: anything else is a 404 in its dialect's
 * envelope, and a new API route can never be shadowed.
 */
export const PORTAL_PATHS = ['/', '/login', '/login/callback', '/profile', '/profile/*', '/directory', '/directory/*'] as const;

/** Where `npm run build` puts the portal: the `dist` folder of the @profiled/portal package. */
export function defaultPortalDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@profiled/portal/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/**
 * Serves the built portal at `/`: hashed assets cached for a year, the app's one HTML page
 * at each of its paths never cached (so a new build reaches people at once). Without a build
 * the paths answer 503 with how to make one, and the API is unaffected.
 */
export async function portalRoutes(app: FastifyInstance, opts: { dir: string | undefined }) {
  const index = opts.dir ? join(opts.dir, 'index.html') : undefined;
  if (!opts.dir || !index || !existsSync(index)) {
    for (const path of PORTAL_PATHS) {
      app.get(path, { schema: { hide: true } }, async (_request, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send('The member portal is not built. Run `npm run build` (npm install and npm start do it too).\n'));
    }
    return;
  }
  const html = readFileSync(index);
  await app.register(fastifyStatic, {
    root: opts.dir,
    prefix: '/',
    // One route per built file, found at start-up: nothing outside the build is reachable.
    wildcard: false,
    index: false,
    // The page itself is answered at the app's paths (below), not as a file.
    allowedPath: (pathName) => pathName !== '/index.html',
    cacheControl: false,
    setHeaders(res, path) {
      res.setHeader('cache-control', path.includes(`${join(opts.dir!, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  for (const path of PORTAL_PATHS) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html));
  }
}
