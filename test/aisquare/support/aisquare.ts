import assert from 'node:assert/strict';
import { PASSWORD, type RequestOptions, type Response, type TestServer, type TestUser } from '../../support/server.ts';
import { assertView } from './seed.ts';

export const PROFILE = '/api/v1/iam/user/profile/';

/**
 * The AISquare endpoint as a client sees it. Every 200 it answers is checked against the
 * seed's own `IAMUserDetailView` before the test sees it, so no test can pass on a body
 * that breaks the contract.
 */
export function aisquare(server: TestServer) {
  const checked = async (res: Response): Promise<Response> => {
    if (res.status === 200) assertView(res.body);
    if (res.status >= 400) assert.match(res.headers.get('content-type') ?? '', /^application\/json/, 'errors are JSON');
    return res;
  };
  return {
    get: async (user: TestUser) => checked(await server.request('GET', PROFILE, { token: user.token })),
    patch: async (user: TestUser | null, body: unknown, opts: Omit<RequestOptions, 'body' | 'token'> = {}) =>
      checked(await server.request('PATCH', PROFILE, { ...(user ? { token: user.token } : {}), ...(body === undefined ? {} : { body }), ...opts })),
    /** The native view of the same profile, to see what a request changed (or did not). */
    native: async (user: TestUser) => (await server.request('GET', '/v1/me/profile', { token: user.token })).body as Record<string, unknown>,
  };
}

/** An account of kind admin in the default org (or `org`), signed in. */
export async function createAdmin(server: TestServer, org?: string): Promise<TestUser> {
  const n = Math.random().toString(36).slice(2, 10);
  const account = await server.app.services.accounts.createAccount({ email: `admin-${n}@example.com`, password: PASSWORD, username: `admin-${n}`, kind: 'admin', displayName: `Admin ${n}`, org: org ?? null });
  const tokens = await server.login(account.username);
  return { id: account.id, email: `admin-${n}@example.com`, username: account.username, password: PASSWORD, profileId: account.profile_id, token: tokens.access_token, refreshToken: tokens.refresh_token };
}
