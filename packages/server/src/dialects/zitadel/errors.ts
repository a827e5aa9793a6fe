import type { ProfiledError } from '@profiled/core';
import type { RenderedError } from '../port.ts';

/** gRPC status codes (google.rpc.Code) and the HTTP status grpc-gateway gives each. */
const GRPC: Record<number, { code: number; status: number }> = {
  400: { code: 3, status: 400 }, // INVALID_ARGUMENT
  401: { code: 16, status: 401 }, // UNAUTHENTICATED
  403: { code: 7, status: 403 }, // PERMISSION_DENIED
  404: { code: 5, status: 404 }, // NOT_FOUND
  405: { code: 12, status: 501 }, // UNIMPLEMENTED
  412: { code: 9, status: 400 }, // FAILED_PRECONDITION
  // A body over the limit is refused before it reaches gRPC: HTTP's own 413, as every dialect answers.
  413: { code: 8, status: 413 }, // RESOURCE_EXHAUSTED
  415: { code: 3, status: 400 },
  429: { code: 8, status: 429 }, // RESOURCE_EXHAUSTED
  500: { code: 13, status: 500 }, // INTERNAL
  502: { code: 14, status: 503 }, // UNAVAILABLE
  503: { code: 14, status: 503 },
  504: { code: 4, status: 504 }, // DEADLINE_EXCEEDED
};

/**
 * grpc-gateway's error body `{code, message, details}`. Field problems are listed in the
 * message as ZITADEL does ("firstName: …; gender: …"), under their wire names.
 */
export function renderZitadelError(error: ProfiledError, wireName: (field: string) => string, nativeStatus: number): RenderedError {
  const notChanged = error.code === 'profile.not_changed';
  const g = notChanged ? { code: 9, status: 400 } : (GRPC[nativeStatus] ?? { code: 2, status: nativeStatus });
  const message = error.issues.length > 0 ? error.issues.map((i) => `${wireName(i.field)}: ${i.message}`).join('; ') : notChanged ? 'Profile not changed (COMMAND-2M0fs)' : error.message;
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  return { status: g.status, body: { code: g.code, message, details: [] }, headers };
}
