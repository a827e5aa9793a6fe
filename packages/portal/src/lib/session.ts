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

type TokenAnswer = { access_token?: string; expires_in?: number; id_token?: string; error?: string; error_description?: string };
type TokenOutcome = { ok: true; answer: TokenAnswer & { access_token: string } } | { ok: false; status: number; message: string };

/** The token endpoint, as the portal client (its refresh token travels in the cookie). */
async function postToken(params: Record<string, string>): Promise<TokenOutcome> {
  let res: Response;
  try {
    res = await fetch('/oauth/v2/token', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ ...params, client_id: CLIENT_ID }),
    });
  } catch {
    return { ok: false, status: 0, message: 'The server cannot be reached. Check your connection and try again.' };
  }
  const data = (await res.json().catch(() => ({}))) as TokenAnswer;
  if (res.ok && data.access_token) return { ok: true, answer: data as TokenAnswer & { access_token: string } };
  return { ok: false, status: res.status, message: data.error_description ?? 'Sign-in failed.' };
}

const PENDING = 'profiled-sign-in';
const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n = 32) => base64url(crypto.getRandomValues(new Uint8Array(n)));
const redirectUri = () => `${window.location.origin}/login/callback`;

/**
 * Starts the authorization-code flow with PKCE (S256): the server's own sign-in page takes
 * the password, so this app never sees it. The verifier, state and nonce wait in
 * sessionStorage (this tab only) until the callback; they are not credentials on their own.
 */
export async function beginSignIn(next: string): Promise<void> {
  const verifier = random(48);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const pending = { verifier, state: random(), nonce: random(), next };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: 'openid profile email',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  window.location.assign(`/oauth/v2/authorize?${params}`);
}

/** The callback: checks `state`, trades the code (with the verifier) for tokens, checks the ID token's nonce. Answers where to go next. */
export async function completeSignIn(query: URLSearchParams): Promise<{ ok: true; next: string } | { ok: false; message: string }> {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  const pending = raw ? (JSON.parse(raw) as { verifier: string; state: string; nonce: string; next: string }) : undefined;
  if (query.get('error')) return { ok: false, message: query.get('error_description') ?? 'Sign-in was not completed.' };
  if (!pending || query.get('state') !== pending.state) return { ok: false, message: 'This sign-in was not started here, or it was already used. Start again.' };
  const code = query.get('code');
  if (!code) return { ok: false, message: 'The sign-in answer had no code.' };
  const r = await postToken({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), code_verifier: pending.verifier });
  if (!r.ok) return { ok: false, message: r.message };
  const data = r.answer;
  const claims = data.id_token ? (JSON.parse(atob(data.id_token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { nonce?: string }) : {};
  if (claims.nonce !== pending.nonce) return { ok: false, message: 'The sign-in answer did not match this request. Start again.' };
  set(data.access_token, data.expires_in);
  return { ok: true, next: pending.next };
}

let inflight: Promise<boolean> | undefined;

/** Trades the refresh cookie for a new access token; false when there is no live session. */
export function refresh(): Promise<boolean> {
  inflight ??= (async () => {
    const run = async () => {
      const r = await postToken({ grant_type: 'refresh_token' });
      if (r.ok) set(r.answer.access_token, r.answer.expires_in);
      return r.ok;
    };
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
