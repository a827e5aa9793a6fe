import formbody from '@fastify/formbody';
import { ProfiledError } from '@profiled/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Services } from '../service/index.ts';
import type { TokenPair } from '../service/sessions.ts';
import { toProfiledError } from './framework-errors.ts';

const oauthError = Type.Object({ error: Type.String(), error_description: Type.Optional(Type.String()) });

/**
 * The member portal's client id. Its refresh token never reaches script: it travels in an
 * httpOnly, SameSite=Strict cookie scoped to /oauth, and the access token stays in memory,
 * as the OAuth browser-apps BCP advises for a same-origin app.
 */
export const PORTAL_CLIENT_ID = 'profiled-portal';
const COOKIE = 'profiled_rt';

function readCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=') || undefined;
  }
  return undefined;
}

function refreshCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=/oauth; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** RFC 6749 §5.2 error codes for our catalogue codes. */
function oauthErrorOf(e: ProfiledError): { status: number; error: string } {
  switch (e.code) {
    case 'auth.invalid_grant':
      return { status: 400, error: 'invalid_grant' };
    case 'auth.unsupported_grant_type':
      return { status: 400, error: 'unsupported_grant_type' };
    case 'auth.rate_limited':
      return { status: 429, error: 'slow_down' };
    case 'request.unsupported_media_type':
      return { status: 415, error: 'invalid_request' };
    case 'request.body_too_large':
      return { status: 413, error: 'invalid_request' };
    case 'internal.error':
    case 'internal.unavailable':
      return { status: 500, error: 'server_error' };
    default:
      return { status: 400, error: 'invalid_request' };
  }
}

/**
 * The token endpoint (password and refresh_token grants, form-encoded or JSON), the JWKS
 * and the discovery document. Errors follow RFC 6749 §5.2.
 */
export async function oauthRoutes(app: FastifyInstance, opts: { services: Services; issuer: string; passwordGrant: boolean; refreshTokenTtlSeconds: number }) {
  const { services, issuer } = opts;
  const secure = issuer.startsWith('https:');
  const issuerOrigin = new URL(issuer).origin;
  /**
   * A cookie is sent by the browser on its own, so a request that relies on it must come
   * from the portal's own page: SameSite=Strict keeps other sites out, and the Origin check
   * keeps out a same-site neighbour (another subdomain).
   */
  const assertSameOrigin = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    const own = `${request.protocol}://${request.host}`;
    if (!origin || (origin !== issuerOrigin && origin !== own)) {
      throw new ProfiledError('auth.invalid_request', { message: `The ${PORTAL_CLIENT_ID} client is served from this server's origin only.` });
    }
  };
  await app.register(formbody, { bodyLimit: 8192 });
  app.setErrorHandler((err, request, reply: FastifyReply) => {
    const e = toProfiledError(err);
    if (e.code === 'internal.error') request.log.error({ err }, 'token endpoint failed');
    const { status, error } = oauthErrorOf(e);
    if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
    return reply.code(status).header('cache-control', 'no-store').type('application/json').send(JSON.stringify({ error, error_description: e.message }));
  });

  app.post('/oauth/token', {
    schema: {
      tags: ['oauth'],
      summary: 'Get tokens',
      description: `OAuth 2.0 token endpoint. \`grant_type=password\` with \`username\` (username or email) and \`password\`, or \`grant_type=refresh_token\` with \`refresh_token\`. Refresh tokens rotate: each is good for one use, and reusing a spent one ends its session. For \`client_id=${PORTAL_CLIENT_ID}\` (the member portal, same origin only) the refresh token is set as an httpOnly cookie instead of returned, and read from it.`,
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: Type.Object({
        grant_type: Type.String(),
        username: Type.Optional(Type.String({ maxLength: 254 })),
        password: Type.Optional(Type.String({ maxLength: 1024 })),
        refresh_token: Type.Optional(Type.String({ maxLength: 512 })),
        scope: Type.Optional(Type.String({ maxLength: 1024 })),
        client_id: Type.Optional(Type.String({ maxLength: 256 })),
      }),
      response: {
        200: Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer(), refresh_token: Type.Optional(Type.String()) }),
        400: oauthError,
        429: oauthError,
      },
    },
  }, async (request, reply) => {
    const body = request.body as Record<string, string | undefined>;
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const portal = body['client_id'] === PORTAL_CLIENT_ID;
    if (portal) assertSameOrigin(request);
    let pair: TokenPair;
    switch (body['grant_type']) {
      case 'password': {
        if (!opts.passwordGrant) throw new ProfiledError('auth.unsupported_grant_type', { message: 'The password grant is switched off here.' });
        if (!body['username'] || !body['password']) throw new ProfiledError('auth.invalid_request', { message: 'username and password are required.' });
        pair = await services.sessions.passwordGrant(body['username'], body['password'], request.ip);
        break;
      }
      case 'refresh_token': {
        const presented = body['refresh_token'] ?? (portal ? readCookie(request.headers.cookie) : undefined);
        if (!presented) throw new ProfiledError('auth.invalid_request', { message: 'refresh_token is required.' });
        try {
          pair = await services.sessions.refreshGrant(presented);
        } catch (err) {
          if (portal) reply.header('set-cookie', refreshCookie('', 0, secure));
          throw err;
        }
        break;
      }
      default:
        throw new ProfiledError('auth.unsupported_grant_type', { message: `Supported grant types: ${opts.passwordGrant ? 'password, ' : ''}refresh_token.` });
    }
    if (!portal) return pair;
    const { refresh_token, ...rest } = pair;
    reply.header('set-cookie', refreshCookie(refresh_token, opts.refreshTokenTtlSeconds, secure));
    return rest;
  });

  app.post('/oauth/revoke', {
    schema: {
      tags: ['oauth'],
      summary: 'Revoke a refresh token',
      description: `RFC 7009 revocation: \`token\` is a refresh token; its session ends, so its access tokens stop working too. Answers 200 for an unknown token as well. For \`client_id=${PORTAL_CLIENT_ID}\` the token is read from the portal's cookie, which is cleared.`,
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: Type.Object({
        token: Type.Optional(Type.String({ maxLength: 512 })),
        token_type_hint: Type.Optional(Type.String({ maxLength: 64 })),
        client_id: Type.Optional(Type.String({ maxLength: 256 })),
      }),
      response: { 200: Type.Object({}), 400: oauthError },
    },
  }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    reply.header('cache-control', 'no-store');
    const portal = body['client_id'] === PORTAL_CLIENT_ID;
    if (portal) assertSameOrigin(request);
    const token = body['token'] ?? (portal ? readCookie(request.headers.cookie) : undefined);
    if (!token && !portal) throw new ProfiledError('auth.invalid_request', { message: 'token is required.' });
    if (token) await services.sessions.revokeRefreshToken(token);
    if (portal) reply.header('set-cookie', refreshCookie('', 0, secure));
    return {};
  });

  app.get('/.well-known/jwks.json', {
    schema: { tags: ['oauth'], summary: 'Token signing keys', description: 'The public keys access tokens are signed with (JWK Set).' },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return services.sessions.jwks();
  });

  const metadata = {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: [...(opts.passwordGrant ? ['password'] : []), 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    response_types_supported: [] as string[],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['EdDSA'],
    scopes_supported: ['openid', 'profile', 'email'],
  };
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(path, { schema: { tags: ['oauth'], summary: 'Server metadata', description: 'What this server supports, as OpenID Connect Discovery / RFC 8414 describe.' } }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return metadata;
    });
  }
}
