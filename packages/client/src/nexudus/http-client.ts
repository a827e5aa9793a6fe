export interface HttpResponse<T> {
  readonly data: T;
  readonly status: number;
  readonly headers: Headers;
}

export interface HttpClientOptions {
  /** e.g. `http://127.0.0.1:8080` */
  readonly baseUrl: string;
  /** The current access token, if any. */
  readonly token?: () => string | undefined;
  readonly fetch?: typeof fetch;
}

/**
 * A small axios-shaped client (`httpClient.patch<T>(url, body)` → `{data, status, headers}`),
 * as the seed's snippet uses one. It resolves for every JSON answer, 4xx included: Nexudus
 * answers errors in the same ActionConfirmation envelope, so callers read `data.WasSuccessful`.
 * It rejects only when the answer is not JSON (a network failure or a proxy's page).
 */
export function createHttpClient(opts: HttpClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  async function request<T>(method: string, url: string, body?: unknown): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = opts.token?.();
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(`${opts.baseUrl}${url}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let data: T;
    try {
      data = (text ? JSON.parse(text) : null) as T;
    } catch {
      throw new Error(`${method} ${url}: HTTP ${res.status}, not a JSON answer`);
    }
    return { data, status: res.status, headers: res.headers };
  }
  return {
    get: <T = unknown>(url: string) => request<T>('GET', url),
    patch: <T = unknown>(url: string, body?: unknown) => request<T>('PATCH', url, body),
    post: <T = unknown>(url: string, body?: unknown) => request<T>('POST', url, body),
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
