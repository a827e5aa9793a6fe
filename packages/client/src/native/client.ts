import type { Profile, ProfilePatch } from './profile-types.ts';

/** An RFC 9457 problem as the native API reports it. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly request_id?: string;
  readonly errors?: readonly { pointer: string; code: string; message: string }[];
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemError';
  }
}

export interface TokenPair {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
}

export interface HistoryEvent {
  readonly version: number;
  readonly kind: string;
  readonly at: string;
  readonly actor_id: string | null;
  readonly changes: readonly { field: string; old?: unknown; new?: unknown }[];
}

export interface NativeClientOptions {
  /** e.g. `http://127.0.0.1:8080` */
  readonly baseUrl: string;
  /** The current access token, if any. */
  readonly token?: () => string | undefined;
  readonly fetch?: typeof fetch;
}

/** A typed client for the native API. No runtime dependencies; works in browsers and Node. */
export function createNativeClient(opts: NativeClientOptions) {
  const doFetch = opts.fetch ?? fetch;

  async function call<T>(method: string, path: string, init: { body?: unknown; contentType?: string; headers?: Record<string, string> } = {}): Promise<{ data: T; etag: string | null }> {
    const headers: Record<string, string> = { accept: 'application/json', ...(init.headers ?? {}) };
    const token = opts.token?.();
    if (token) headers['authorization'] = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (init.body !== undefined) {
      headers['content-type'] = init.contentType ?? 'application/json';
      // Bytes (uploads) go as they are; anything else but a string as JSON.
      body =
        typeof init.body === 'string' || (typeof Blob !== 'undefined' && init.body instanceof Blob) ? init.body
        : init.body instanceof Uint8Array ? new Uint8Array(init.body)
        : JSON.stringify(init.body);
    }
    const res = await doFetch(`${opts.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ProblemError(parsed as Problem);
    return { data: parsed as T, etag: res.headers.get('etag') };
  }

  return {
    /** Password grant; `login` is a username or an email address. */
    async login(login: string, password: string): Promise<TokenPair> {
      const body = new URLSearchParams({ grant_type: 'password', username: login, password }).toString();
      return (await call<TokenPair>('POST', '/oauth/token', { body, contentType: 'application/x-www-form-urlencoded' })).data;
    },
    async refresh(refreshToken: string): Promise<TokenPair> {
      const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString();
      return (await call<TokenPair>('POST', '/oauth/token', { body, contentType: 'application/x-www-form-urlencoded' })).data;
    },
    async getProfile(): Promise<{ profile: Profile; etag: string | null }> {
      const { data, etag } = await call<Profile>('GET', '/v1/me/profile');
      return { profile: data, etag };
    },
    /** A JSON merge patch; pass the ETag from a read to refuse lost updates (412). */
    async patchProfile(patch: ProfilePatch, ifMatch?: string): Promise<{ profile: Profile; etag: string | null }> {
      const { data, etag } = await call<Profile>('PATCH', '/v1/me/profile', { body: patch, contentType: 'application/merge-patch+json', ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}) });
      return { profile: data, etag };
    },
    async changePassword(currentPassword: string, newPassword: string): Promise<void> {
      await call('POST', '/v1/me/password', { body: { current_password: currentPassword, new_password: newPassword } });
    },
    async history(opts: { limit?: number; before?: number } = {}): Promise<{ events: HistoryEvent[]; next: string | null }> {
      const q = new URLSearchParams();
      if (opts.limit) q.set('limit', String(opts.limit));
      if (opts.before) q.set('before', String(opts.before));
      return (await call<{ events: HistoryEvent[]; next: string | null }>('GET', `/v1/me/history${q.size ? `?${q}` : ''}`)).data;
    },
    async logout(): Promise<void> {
      await call('POST', '/v1/me/logout');
    },
    /**
     * Uploads a profile picture (its bytes; the server reads what it is from them), cut square
     * around the focal point when given (each 0–1). Answers the profile, whose `picture` is the
     * 256 px JPEG's URL (`…-64.webp`, `…-512.jpg` name the other files).
     */
    async putPicture(file: Blob | Uint8Array, focus?: { x: number; y: number }): Promise<{ profile: Profile; etag: string | null }> {
      const q = focus ? `?x=${focus.x}&y=${focus.y}` : '';
      const { data, etag } = await call<Profile>('PUT', `/v1/me/picture${q}`, { body: file, contentType: (file instanceof Uint8Array ? '' : file.type) || 'application/octet-stream' });
      return { profile: data, etag };
    },
    async removePicture(): Promise<{ profile: Profile; etag: string | null }> {
      const { data, etag } = await call<Profile>('DELETE', '/v1/me/picture');
      return { profile: data, etag };
    },
    /** Uploads a résumé (a PDF); the profile's `resume` becomes its URL. */
    async putResume(file: Blob | Uint8Array): Promise<{ profile: Profile; etag: string | null }> {
      const { data, etag } = await call<Profile>('PUT', '/v1/me/resume', { body: file, contentType: 'application/pdf' });
      return { profile: data, etag };
    },
    async removeResume(): Promise<{ profile: Profile; etag: string | null }> {
      const { data, etag } = await call<Profile>('DELETE', '/v1/me/resume');
      return { profile: data, etag };
    },
  };
}

export type NativeClient = ReturnType<typeof createNativeClient>;
