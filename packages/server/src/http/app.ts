import { randomUUID } from 'node:crypto';
import { AjvCompiler } from '@fastify/ajv-compiler';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { compileRegistry, registry as defaultRegistry, type Registry } from '@profiled/core';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { createExternalIssuer } from '../auth/external-issuer.ts';
import { createPasswordChecker } from '../auth/passwords.ts';
import { createTokenService } from '../auth/tokens.ts';
import { ConfigError, type Config } from '../config/load.ts';
import { dialects } from '../dialects/index.ts';
import type { Dialect, DialectContext, RenderedError } from '../dialects/port.ts';
import { renderProblem } from '../dialects/native/problem.ts';
import { createServices, type Clock, type Services } from '../service/index.ts';
import { openStorage } from '../storage/index.ts';
import type { Storage } from '../storage/port.ts';
import { challengeFor, createAuthHooks } from './bearer.ts';
import { corsOptions } from './cors.ts';
import { toProfiledError } from './framework-errors.ts';
import { healthRoutes } from './health.ts';
import { createLogger } from './logger.ts';
import { registerMetrics } from './metrics.ts';
import { oauthRoutes } from './oauth.ts';
import { oidcRoutes } from './oidc.ts';
import { undoRoutes } from './undo-page.ts';
import { fileRoutes } from './files.ts';
import { recoveryPages } from './recovery-pages.ts';
import { openApiOptions } from './openapi.ts';
import { createMailTransport } from '../delivery/mail.ts';
import { createSmsTransport } from '../delivery/sms.ts';
import { securityHeaders } from './security-headers.ts';
import { refuseInvalidUtf8 } from './utf8-bodies.ts';
import { createOutboxWorker, type OutboxWorker } from '../delivery/worker.ts';
import { defaultPortalDir, portalRoutes } from './portal.ts';

export interface AppDeps {
  readonly config: Config;
  /** Defaults to the registry Profiled ships; tests pass a copy with extra fields. */
  readonly registry?: Registry;
  readonly clock?: Clock;
  /** Where logs go (stdout by default); tests capture them. */
  readonly logDestination?: DestinationStream;
  /** Whether the outbox sender polls in this process (the CLI's one-shot commands say no). */
  readonly background?: boolean;
}

export interface App {
  readonly server: FastifyInstance;
  readonly services: Services;
  readonly storage: Storage;
  readonly logger: Logger;
  /** The outbox sender (mail, text messages and webhooks); `drain()` runs one pass now. */
  readonly outbox: OutboxWorker;
  /** Every route registered, so a test can hold the OpenAPI document to all of them. */
  readonly routes: readonly { readonly method: string; readonly url: string; readonly hidden: boolean }[];
  /** Stops accepting requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * The composition root: the one place that opens the database, builds the services and
 * wires every dialect into one Fastify server. Nothing else opens connections or reads config.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const registry = compileRegistry(deps.registry ?? defaultRegistry);
  const logger = createLogger(config.logLevel, deps.logDestination);
  const storage = await openStorage({ url: config.databaseUrl, registry, sqliteSynchronous: config.sqliteSynchronous, searchThreads: config.searchThreads, searchQueue: config.searchQueue, now: () => clock.now().toISOString() });
  try {
    const report = await storage.migrate();
    if (report.applied.length || report.addedColumns.length) logger.info({ migration: report }, 'database migrated');
  } catch (err) {
    await storage.close();
    throw err;
  }
  const tokens = createTokenService(storage.repos, config, () => clock.now());
  await tokens.init();
  const external = await trustedIssuer(config, storage, logger);
  const services = createServices({ storage, registry, clock, passwords: createPasswordChecker(), tokens, settings: config, external, directoryPageBytes: config.directoryCacheMb * 1024 * 1024 });
  const mail = createMailTransport(config, logger);
  const sms = createSmsTransport(config, logger);
  const outbox = createOutboxWorker({ storage, clock, logger, mail, sms, settings: config, periodic: [{ everyMs: 60_000, run: () => services.deletion.purge() }, { everyMs: 600_000, run: () => services.uploads.sweep() }] });

  const server = Fastify({
    loggerInstance: logger as unknown as import('fastify').FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // A client's X-Request-Id is kept only when it looks like an id: it goes into every log line.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    forceCloseConnections: 'idle',
    // One log line per request (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    schemaController: { compilersFactory: { buildValidator: registryAwareValidator() as never } },
  });
  const routes: { method: string; url: string; hidden: boolean }[] = [];
  server.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, hidden: Boolean((route.schema as { hide?: boolean } | undefined)?.hide) });
  });
  server.decorateRequest('principal', null);
  server.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  server.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 100) / 100 }, 'request completed');
  });
  // While shutting down, answers close their connection, so keep-alive clients let go and
  // the process can exit as soon as the requests in flight are done.
  let closing = false;
  server.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  refuseInvalidUtf8(server);
  server.removeContentTypeParser('text/plain');
  server.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, server.getDefaultJsonParser('error', 'error') as never);

  const https = config.issuer.startsWith('https:');
  const security = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        // blob: the portal's preview of a chosen photo, and pictures it fetched with its token.
        'img-src': ["'self'", 'data:', 'blob:', 'https:'],
        'script-src': ["'self'"],
        'style-src': ["'self'", 'https:'],
        // Upgrading requests only makes sense where HTTPS is served.
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  server.addHook('onRequest', (_request, reply, done) => {
    reply.headers(security);
    done();
  });
  if (config.corsOrigins.length > 0) await server.register(cors, corsOptions(config));
  await server.register(swagger, openApiOptions(config, dialects));
  await server.register(swaggerUi, { routePrefix: '/docs' });
  const metrics = registerMetrics(server, services.directory.pageStats);

  const fallback = errorHandler(renderProblem);
  server.setErrorHandler(fallback);
  server.setNotFoundHandler((request, reply) => fallback(Object.assign(new Error('not found'), { code: 'FST_ERR_NOT_FOUND' }), request, reply));

  healthRoutes(server, { storage, metrics });
  server.get('/openapi.json', { schema: { hide: true } }, async () => server.swagger());
  await server.register(oauthRoutes, { services, issuer: config.issuer, passwordGrant: config.passwordGrant, refreshTokenTtlSeconds: config.refreshTokenTtlSeconds });

  await server.register(portalRoutes, { dir: config.portalDir ?? defaultPortalDir() });

  const hooks = createAuthHooks(services);
  await server.register(oidcRoutes, { services, issuer: config.issuer, authenticate: hooks.authenticate });
  await server.register(undoRoutes, { services });
  await server.register(fileRoutes, { services });
  await server.register(recoveryPages, { services, issuer: config.issuer });
  const ctx: DialectContext = { services, registry, authenticate: hooks.authenticate, authenticateSelf: hooks.authenticateSelf, now: () => clock.now() };
  for (const dialect of dialects) await server.register(dialectPlugin(dialect, ctx), dialect.prefix ? { prefix: dialect.prefix } : {});

  if (deps.background !== false) outbox.start();
  let closed = false;
  return {
    server,
    services,
    storage,
    logger,
    outbox,
    routes,
    async close() {
      if (closed) return;
      closed = true;
      closing = true;
      await server.close();
      await outbox.stop();
      mail.close();
      await storage.close();
    },
  };
}

/** A dialect in its own encapsulated scope: its routes, and its envelope for every error there. */
function dialectPlugin(dialect: Dialect, ctx: DialectContext) {
  return async (scope: FastifyInstance) => {
    const handler = errorHandler(dialect.renderError);
    scope.setErrorHandler(handler);
    if (dialect.prefix) {
      scope.setNotFoundHandler((request, reply) => handler(Object.assign(new Error('not found'), { code: 'FST_ERR_NOT_FOUND' }), request, reply));
    }
    scope.addHook('onRoute', (route) => {
      route.schema = { ...(route.schema ?? {}), tags: [dialect.name] } as typeof route.schema;
    });
    await dialect.routes(scope, ctx);
  };
}

function errorHandler(render: (e: ReturnType<typeof toProfiledError>, request: FastifyRequest) => RenderedError) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const e = toProfiledError(err);
    if (e.code === 'internal.error') request.log.error({ err }, 'request failed');
    const out = render(e, request);
    if (out.status === 401 || e.code === 'auth.malformed_header') {
      const challenge = challengeFor(e.code);
      if (challenge) reply.header('www-authenticate', challenge);
    }
    if (out.headers) reply.headers(out.headers);
    // Serialised here, so no route's response schema reshapes an error body.
    return reply.code(out.status).type(out.contentType ?? 'application/json; charset=utf-8').send(JSON.stringify(out.body));
  };
}

/** Fastify's Ajv for every schema, except bodies the registry walker validates (see dialects/support.ts). */
function registryAwareValidator() {
  const factory = AjvCompiler();
  return (externalSchemas: unknown, options: unknown) => {
    const compile = (factory as (a: unknown, b: unknown) => (route: { schema: Record<string, unknown> }) => unknown)(externalSchemas, options);
    return (route: { schema: Record<string, unknown> }) => (route.schema['x-validated-by'] === 'registry' ? () => true : compile(route));
  };
}

/**
 * The trusted outside identity provider (OIDC_TRUSTED_ISSUER), when configured; its org must
 * exist now, so a typo stops the start rather than the first sign-in.
 */
async function trustedIssuer(config: Config, storage: Storage, logger: Logger) {
  if (!config.oidcTrustedIssuer || !config.oidcTrustedAudience) return undefined;
  if (!(await storage.repos.findOrg({ slug: config.oidcTrustedOrg }))) {
    await storage.close();
    throw new ConfigError([`OIDC_TRUSTED_ORG names no organization "${config.oidcTrustedOrg}" (create it with: profiled org create --slug ${config.oidcTrustedOrg} --name …)`]);
  }
  const issuer = createExternalIssuer({
    issuer: config.oidcTrustedIssuer,
    audience: config.oidcTrustedAudience,
    jwksUrl: config.oidcTrustedJwksUrl,
    cooldownMs: config.oidcTrustedJwksCooldownMs,
    onUnavailable: (reason) => logger.warn({ issuer: config.oidcTrustedIssuer, reason }, 'outside identity provider unavailable; its tokens are refused'),
  });
  return { issuer, orgSlug: config.oidcTrustedOrg };
}
