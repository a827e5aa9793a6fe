import { authorisedFetch } from './session.ts';

/** A refusal of the native API: its message, and the field it names when it names one. */
export class ApiProblem extends Error {
  constructor(message: string, readonly status: number, readonly field?: string) {
    super(message);
  }
}

export interface Factor {
  readonly id: string;
  readonly kind: 'totp' | 'passkey';
  readonly name?: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}
export interface MfaStatus {
  readonly factors: readonly Factor[];
  readonly recovery_codes_left: number;
  readonly required: boolean;
}
export interface TotpEnrolment {
  readonly secret: string;
  readonly otpauth_uri: string;
  readonly qr_svg: string;
}
export interface Device {
  readonly id: string;
  readonly created_at: string;
  readonly last_seen_at: string;
  readonly client: { readonly id: string; readonly name: string | null } | null;
  readonly user_agent: string | null;
  readonly ip: string | null;
  readonly amr: readonly string[];
  readonly current: boolean;
}

type Problem = { detail?: string; errors?: { pointer?: string; message?: string }[] };

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await authorisedFetch(path, {
    method,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) {
    const problem = (data ?? {}) as Problem;
    const first = problem.errors?.[0];
    throw new ApiProblem(first?.message ?? problem.detail ?? `The server answered ${res.status}.`, res.status, first?.pointer?.replace(/^\//, ''));
  }
  return data as T;
}

/** The native API's second factors (`/v1/me/mfa…`) and devices (`/v1/me/sessions…`). */
export const mfaStatus = () => call<MfaStatus>('GET', '/v1/me/mfa');
export const startTotp = (currentPassword: string) => call<TotpEnrolment>('POST', '/v1/me/mfa/totp', { current_password: currentPassword });
export const confirmTotp = (code: string) => call<{ recovery_codes: string[] }>('POST', '/v1/me/mfa/totp/confirm', { code });
export const removeTotp = (currentPassword: string, code: string) => call<void>('DELETE', '/v1/me/mfa/totp', { current_password: currentPassword, code });
export const listDevices = () => call<{ sessions: Device[] }>('GET', '/v1/me/sessions').then((r) => r.sessions);
export const signOutDevice = (id: string) => call<void>('DELETE', `/v1/me/sessions/${encodeURIComponent(id)}`);
export const signOutOtherDevices = () => call<void>('DELETE', '/v1/me/sessions');

export interface Passkey {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}
export const passkeyOptions = (currentPassword: string) => call<Record<string, unknown>>('POST', '/v1/me/passkeys/options', { current_password: currentPassword });
export const registerPasskey = (name: string, response: unknown) => call<{ passkey: Passkey; recovery_codes?: string[] }>('POST', '/v1/me/passkeys', { name, response });
export const listPasskeys = () => call<{ passkeys: Passkey[] }>('GET', '/v1/me/passkeys').then((r) => r.passkeys);
export const removePasskey = (id: string, currentPassword: string) => call<void>('DELETE', `/v1/me/passkeys/${encodeURIComponent(id)}`, { current_password: currentPassword });
