import formbody from '@fastify/formbody';
import { ProfiledError } from '@profiled/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Services } from '../service/index.ts';
import type { TokenPair } from '../service/sessions.ts';
import { toProfiledError } from './framework-errors.ts';
import { assertSameOrigin, findClient, PORTAL_CLIENT_ID, readRefreshCookie, refreshCookie } from './oauth-portal.ts';

const oauthError = Type.Object({ error: Type.String(), error_description: Type.Optional(Type.String()) });

/** RFC 6749 §2.3.1: `Authorization: Basic base64(urlencode(id):urlencode(secret))`. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  if (at < 0) throw new ProfiledError('auth.invalid_client', { message: 'HTTP Basic credentials must be client_id:client_secret.' });
  try {
    return { id: decodeURIComponent(decoded.slice(0, at).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(at + 1).replace(/\+/g, ' ')) };
  } catch {
    throw new ProfiledError('auth.invalid_client', { message: 'HTTP Basic credentials are not URL-encoded correctly.' });
  }
}

/** RFC 6749 §5.2 error codes for our catalogue codes. */
function oauthErrorOf(e: ProfiledError): { status: number; error: string } {
  switch (e.code) {
    case 'auth.invalid_grant':
    case 'mfa.code_invalid':
      return { status: 400, error: 'invalid_grant' };
    // Not an RFC 6749 code: the password was right, and the second factor is what is missing (issue 22).
    case 'auth.mfa_required':
      return { status: 403, error: 'mfa_required' };
    case 'auth.unsupported_grant_type':
      return { status: 400, error: 'unsupported_grant_type' };
    case 'auth.rate_limited':
      return { status: 429, error: 'slow_down' };
    case 'auth.invalid_client':
      return { status: 401, error: 'invalid_client' };
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
  await app.register(formbody, { bodyLimit: 8192 });
  app.setErrorHandler((err, request, reply: FastifyReply) => {
    const e = toProfiledError(err);
    if (e.code === 'internal.error') request.log.error({ err }, 'token endpoint failed');
    const { status, error } = oauthErrorOf(e);
    if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
    if (e.code === 'auth.invalid_client' && /^Basic /i.test(request.headers.authorization ?? '')) reply.header('www-authenticate', 'Basic realm="profiled"');
    return reply.code(status).header('cache-control', 'no-store').type('application/json').send(JSON.stringify({ error, error_description: e.message }));
  });

  const tokenRoute = {
    schema: {
      tags: ['oauth'],
      summary: 'Get tokens',
      description: `OAuth 2.0 token endpoint (also at \`/oauth/v2/token\`). \`grant_type=authorization_code\` with \`code\`, \`redirect_uri\`, \`code_verifier\` (PKCE) and the client (\`client_id\`, and its secret by HTTP Basic or \`client_secret\` for a confidential client) answers an \`id_token\` too; \`grant_type=refresh_token\` with \`refresh_token\`; \`grant_type=password\` with \`username\` (username or email) and \`password\`, unless switched off (\`PASSWORD_GRANT=false\`); an account with a second factor also sends \`otp\` (its authenticator app's code, or a recovery code) or gets 403 \`mfa_required\`. Refresh tokens rotate: each is good for one use, and reusing a spent one ends its session. For \`client_id=${PORTAL_CLIENT_ID}\` (the member portal, same origin only) the refresh token is set as an httpOnly cookie instead of returned, and read from it.`,
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: Type.Object({
        grant_type: Type.String(),
        username: Type.Optional(Type.String({ maxLength: 254 })),
        password: Type.Optional(Type.String({ maxLength: 1024 })),
        otp: Type.Optional(Type.String({ maxLength: 64 })),
        refresh_token: Type.Optional(Type.String({ maxLength: 512 })),
        code: Type.Optional(Type.String({ maxLength: 512 })),
        redirect_uri: Type.Optional(Type.String({ maxLength: 2048 })),
        code_verifier: Type.Optional(Type.String({ maxLength: 256 })),
        scope: Type.Optional(Type.String({ maxLength: 1024 })),
        client_id: Type.Optional(Type.String({ maxLength: 256 })),
        client_secret: Type.Optional(Type.String({ maxLength: 256 })),
      }),
      response: {
        200: Type.Object({
          access_token: Type.String(),
          token_type: Type.Literal('Bearer'),
          expires_in: Type.Integer(),
          refresh_token: Type.Optional(Type.String()),
          id_token: Type.Optional(Type.String()),
          scope: Type.Optional(Type.String()),
        }),
        400: oauthError,
        401: oauthError,
        403: oauthError,
        429: oauthError,
      },
    },
  };

  const tokenHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as Record<string, string | undefined>;
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const basic = basicCredentials(request.headers.authorization);
    const clientId = basic?.id ?? body['client_id'];
    if (basic && body['client_id'] && body['client_id'] !== basic.id) throw new ProfiledError('auth.invalid_request', { message: 'client_id differs from the client authenticated by HTTP Basic.' });
    const portal = clientId === PORTAL_CLIENT_ID;
    if (portal) assertSameOrigin(request, issuer);
    let pair: TokenPair & { id_token?: string; scope?: string };
    switch (body['grant_type']) {
      case 'authorization_code': {
        if (!body['code']) throw new ProfiledError('auth.invalid_request', { message: 'code is required.' });
        const client = services.oidc.authenticateClient(await findClient(request, issuer, clientId, services.oidc.findClient), basic?.secret ?? body['client_secret']);
        pair = await services.oidc.redeemCode({ code: body['code'], client, redirectUri: body['redirect_uri'], verifier: body['code_verifier'] });
        break;
      }
      case 'password': {
        if (!opts.passwordGrant) throw new ProfiledError('auth.unsupported_grant_type', { message: 'The password grant is switched off here; use the authorization code flow.' });
        if (!body['username'] || !body['password']) throw new ProfiledError('auth.invalid_request', { message: 'username and password are required.' });
        pair = await services.sessions.passwordGrant(body['username'], body['password'], { ip: request.ip, userAgent: request.headers['user-agent'], clientId: clientId ?? null }, body['otp']);
        break;
      }
      case 'refresh_token': {
        const presented = body['refresh_token'] ?? (portal ? readRefreshCookie(request.headers.cookie) : undefined);
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
        throw new ProfiledError('auth.unsupported_grant_type', { message: `Supported grant types: authorization_code, refresh_token${opts.passwordGrant ? ', password' : ''}.` });
    }
    if (!portal) return pair;
    const { refresh_token, ...rest } = pair;
    reply.header('set-cookie', refreshCookie(refresh_token, opts.refreshTokenTtlSeconds, secure));
    return rest;
  };
  app.post('/oauth/token', tokenRoute, tokenHandler);
  app.post('/oauth/v2/token', { schema: { ...tokenRoute.schema, summary: 'Get tokens (ZITADEL path)', description: 'The same token endpoint as `/oauth/token`, at the path seed 003 declares.' } }, tokenHandler);

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
    if (portal) assertSameOrigin(request, issuer);
    const token = body['token'] ?? (portal ? readRefreshCookie(request.headers.cookie) : undefined);
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
    authorization_endpoint: `${issuer}/oauth/v2/authorize`,
    token_endpoint: `${issuer}/oauth/v2/token`,
    userinfo_endpoint: `${issuer}/oauth/v2/userinfo`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    end_session_endpoint: `${issuer}/oauth/v2/end_session`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', ...(opts.passwordGrant ? ['password'] : [])],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['EdDSA'],
    scopes_supported: ['openid', 'profile', 'email'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'name', 'given_name', 'family_name', 'nickname', 'preferred_username', 'email', 'email_verified', 'gender', 'birthdate', 'locale', 'picture', 'website', 'updated_at'],
    prompt_values_supported: ['none', 'login'],
    authorization_response_iss_parameter_supported: true,
  };
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(path, { schema: { tags: ['oauth'], summary: 'Server metadata', description: 'What this server supports, as OpenID Connect Discovery / RFC 8414 describe.' } }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return metadata;
    });
  }
}
