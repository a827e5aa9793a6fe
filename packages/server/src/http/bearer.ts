import { ProfiledError } from '@profiled/core';
import type { FastifyRequest } from 'fastify';
import type { Principal, Services } from '../service/index.ts';

/**
 * Reads the bearer credential per RFC 6750: the Authorization header, or else the
 * `access_token` query parameter (§2.3; the workspace contract relies on it). A header that
 * is present but not `Bearer <token>` is a 400, as the RFC says; two credentials at once
 * are refused rather than guessed between.
 */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  // Read from the raw URL: route query schemas strip parameters they do not declare.
  const at = request.url.indexOf('?');
  const values = at < 0 ? [] : new URLSearchParams(request.url.slice(at + 1)).getAll('access_token');
  if (values.length > 1) throw new ProfiledError('auth.malformed_header', { message: 'access_token must be given once.' });
  const query = values[0];
  if (header !== undefined) {
    const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!m) throw new ProfiledError('auth.malformed_header');
    if (query) throw new ProfiledError('auth.malformed_header', { message: 'Send the token in the header or the query, not both.' });
    return m[1];
  }
  return query || undefined;
}

export function createAuthHooks(services: Services) {
  async function authenticate(request: FastifyRequest): Promise<void> {
    const credential = bearerOf(request);
    if (!credential) throw new ProfiledError('auth.unauthenticated');
    request.principal = await services.sessions.authenticate(credential);
  }
  return {
    authenticate,
    async authenticateSelf(request: FastifyRequest): Promise<void> {
      await authenticate(request);
      if ((request.principal as Principal).via === 'api_key') throw new ProfiledError('auth.service_account_forbidden');
    },
  };
}

/** The `WWW-Authenticate` challenge a 401 carries (RFC 6750 §3). */
export function challengeFor(code: string): string | undefined {
  switch (code) {
    case 'auth.unauthenticated':
      return 'Bearer realm="profiled"';
    case 'auth.token_invalid':
    case 'auth.token_expired':
    case 'auth.session_revoked':
      return `Bearer realm="profiled", error="invalid_token", error_description="${code === 'auth.token_expired' ? 'The access token expired' : 'The access token is invalid'}"`;
    case 'auth.malformed_header':
      return 'Bearer realm="profiled", error="invalid_request"';
    default:
      return undefined;
  }
}
