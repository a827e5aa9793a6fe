/**
 * Sign-in state. The access token lives in this module's memory only; the refresh token is
 * an httpOnly cookie the server sets for the `profiled-portal` client, so no script (ours
 * or an injected one) can read it. Refreshes are serialised across tabs with the Web Locks
 * API: refresh tokens rotate, and two tabs presenting the same one would end the session.
 */
export const CLIENT_ID = 'profiled-portal';

let access: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

export const accessToken = (): string | undefined => access;
export const isSignedIn = (): boolean => access !== undefined;

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function set(token: string | undefined, expiresIn?: number): void {
  access = token;
  clearTimeout(timer);
  // Renew a minute before expiry, so requests never meet an expired token.
  if (token && expiresIn) timer = setTimeout(() => void refresh(), Math.max(5, expiresIn - 60) * 1000);
  for (const l of listeners) l();
}

/** Replaces the access token after a profile switch (same session, same refresh cookie). */
export function adoptAccessToken(token: string): void {
  // The switch answers only the token; its own `exp` says when to renew it.
  let expiresIn = 60;
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    if (typeof payload.exp === 'number') expiresIn = Math.max(5, payload.exp - Math.floor(Date.now() / 1000));
  } catch {
    // Not a JWT we can read: renew soon rather than late.
  }
  set(token, expiresIn);
}

type TokenAnswer = { access_token?: string; expires_in?: number; error?: string; error_description?: string };

async function tokenRequest(params: Record<string, string>): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
  let res: Response;
  try {
    res = await fetch('/oauth/token', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ ...params, client_id: CLIENT_ID }),
    });
  } catch {
    return { ok: false, status: 0, message: 'The server cannot be reached. Check your connection and try again.' };
  }
  const data = (await res.json().catch(() => ({}))) as TokenAnswer;
  if (res.ok && data.access_token) {
    set(data.access_token, data.expires_in);
    return { ok: true };
  }
  return { ok: false, status: res.status, message: data.error_description ?? 'Sign-in failed.' };
}

export const signIn = (username: string, password: string) => tokenRequest({ grant_type: 'password', username, password });

let inflight: Promise<boolean> | undefined;

/** Trades the refresh cookie for a new access token; false when there is no live session. */
export function refresh(): Promise<boolean> {
  inflight ??= (async () => {
    const run = async () => (await tokenRequest({ grant_type: 'refresh_token' })).ok;
    try {
      const ok = navigator.locks ? await navigator.locks.request('profiled-refresh', run) : await run();
      if (!ok) set(undefined);
      return ok;
    } finally {
      inflight = undefined;
    }
  })();
  return inflight;
}

export async function signOut(): Promise<void> {
  try {
    await fetch('/oauth/revoke', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID }),
    });
  } finally {
    set(undefined);
  }
}

/**
 * `fetch` with the access token, renewing it once when the server says it has expired.
 * Handed to the typed Nexudus client, so every call gets the same treatment.
 */
export const authorisedFetch: typeof fetch = async (input, init = {}) => {
  const withToken = () => {
    const headers = new Headers(init.headers);
    if (access) headers.set('authorization', `Bearer ${access}`);
    return fetch(input, { ...init, headers });
  };
  const res = await withToken();
  if (res.status !== 401 || !access) return res;
  return (await refresh()) ? withToken() : res;
};
