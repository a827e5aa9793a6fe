import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return rest.join('=');
  }
  return undefined;
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The double-submit CSRF guard of our server-rendered forms (the sign-in page, the recovery
 * pages): a random token in a `SameSite=Strict` HttpOnly cookie scoped to the form's path,
 * repeated in a hidden field, compared in constant time; and a cross-site `Origin` refused.
 */
export function createCsrf(opts: { readonly cookie: string; readonly path: string; readonly issuer: string }) {
  const secure = opts.issuer.startsWith('https:');
  return {
    /** The token for a form about to be rendered: the one the browser holds, or a new one it is given. */
    issue(request: FastifyRequest, reply: FastifyReply): string {
      const existing = cookieValue(request.headers.cookie, opts.cookie);
      const token = existing && TOKEN.test(existing) ? existing : randomBytes(32).toString('base64url');
      reply.header('set-cookie', `${opts.cookie}=${token}; Path=${opts.path}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
      return token;
    },
    /** Whether a posted form carries the cookie's token and comes from this site. */
    valid(request: FastifyRequest, submitted: unknown): boolean {
      const cookie = cookieValue(request.headers.cookie, opts.cookie);
      // Our pages send `Referrer-Policy: no-referrer`, under which browsers send `Origin: null`
      // for a form post; the token (double-submit, SameSite=Strict cookie) is the guard.
      const origin = request.headers.origin;
      const originOk = !origin || origin === 'null' || origin === new URL(opts.issuer).origin || origin === `${request.protocol}://${request.host}`;
      return Boolean(cookie && typeof submitted === 'string' && submitted !== '' && sameSecret(cookie, submitted) && originOk);
    },
  };
}
