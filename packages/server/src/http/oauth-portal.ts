import { ProfiledError } from '@profiled/core';
import type { FastifyRequest } from 'fastify';
import type { OAuthClientRow } from '../storage/port.ts';

/**
 * The member portal's client: a first-party public client (PKCE), built in rather than
 * registered. Its refresh token never reaches script: it travels in an httpOnly,
 * SameSite=Strict cookie scoped to /oauth, and the access token stays in memory, as the
 * OAuth browser-apps BCP advises for a same-origin app.
 */
export const PORTAL_CLIENT_ID = 'profiled-portal';
const COOKIE = 'profiled_rt';

export function readRefreshCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=') || undefined;
  }
  return undefined;
}

export function refreshCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=/oauth; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The origins the portal is served from: the public URL's, and the one this request reached. */
export function ownOrigins(request: FastifyRequest, issuer: string): string[] {
  return [...new Set([new URL(issuer).origin, `${request.protocol}://${request.host}`])];
}

/**
 * A cookie is sent by the browser on its own, so a request that relies on it must come
 * from the portal's own page: SameSite=Strict keeps other sites out, and the Origin check
 * keeps out a same-site neighbour (another subdomain).
 */
export function assertSameOrigin(request: FastifyRequest, issuer: string): void {
  const origin = request.headers.origin;
  if (!origin || !ownOrigins(request, issuer).includes(origin)) {
    throw new ProfiledError('auth.invalid_request', { message: `The ${PORTAL_CLIENT_ID} client is served from this server's origin only.` });
  }
}

/** The portal as a client row: it returns to `/login/callback` of its own origin, and signs out to `/login`. */
export function portalClient(request: FastifyRequest, issuer: string): OAuthClientRow {
  const origins = ownOrigins(request, issuer);
  return {
    id: PORTAL_CLIENT_ID,
    name: 'Profiled member portal',
    type: 'public',
    secret_hash: null,
    redirect_uris: origins.map((o) => `${o}/login/callback`),
    post_logout_redirect_uris: origins.map((o) => `${o}/login`),
    created_at: '1970-01-01T00:00:00.000Z',
  };
}

/** A registered client, or the built-in portal. */
export async function findClient(request: FastifyRequest, issuer: string, id: string | undefined, find: (id: string) => Promise<OAuthClientRow | undefined>) {
  if (!id) return undefined;
  return id === PORTAL_CLIENT_ID ? portalClient(request, issuer) : find(id);
}
