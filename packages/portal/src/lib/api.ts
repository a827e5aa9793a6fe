import type { FieldMetadata, PageMetadata } from '@profiled/core';
import { createHttpClient, endpoints } from '@profiled/client/nexudus';
import { accessToken, authorisedFetch } from './session.ts';

/** The seed's `httpClient`: the typed Nexudus client on this origin. */
export const httpClient = createHttpClient({ baseUrl: '', token: accessToken, fetch: authorisedFetch });
export { endpoints };

export interface ProfileSchema {
  readonly pages: readonly PageMetadata[];
  readonly sections: readonly { readonly name: string; readonly fields: readonly string[] }[];
  readonly fields: readonly FieldMetadata[];
}

export interface PasswordRules {
  readonly policy: { readonly min_length: number; readonly max_length: number; readonly min_score: number };
  readonly rules: readonly string[];
}

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await authorisedFetch(path, { ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}), ...init?.headers } });
  const data = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error((data as { detail?: string; title?: string } | undefined)?.detail ?? `HTTP ${res.status}`);
  return data as T;
}

let schema: Promise<ProfileSchema> | undefined;
/** The registry as the API serves it: labels, types, limits and pages. Fetched once. */
export const profileSchema = (): Promise<ProfileSchema> => {
  schema ??= json<ProfileSchema>('/v1/profile-schema').catch((err) => {
    schema = undefined;
    throw err;
  });
  return schema;
};

export const passwordRules = () => json<PasswordRules>('/v1/me/password-policy');

export const previewSummary = (summary: string) =>
  json<{ summary_html: string }>('/v1/me/profile/summary:preview', { method: 'POST', body: JSON.stringify({ summary }) });

/** Confirms a pending email or mobile number with the code sent to it (the native API). */
export const verifyChange = (field: string, code: string) =>
  json<{ field: string; value: string }>('/v1/me/verify', { method: 'POST', body: JSON.stringify({ field, code }) });
