import { errorCatalogue, type ProfiledError } from '@profiled/core';
import type { FastifyRequest, RenderedError } from '../port.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** simplejwt's answer to a token it cannot accept (the AISquare server authenticates with simplejwt). */
const TOKEN_NOT_VALID = {
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
};

/** Field issues as DRF nests them: `{"username": ["…"], "details": {"bio": ["…"]}}`. */
function fieldErrors(error: ProfiledError): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const i of error.issues) {
    const [head, ...rest] = i.field.split('.');
    const key = head || 'non_field_errors';
    if (rest.length === 0) {
      const list = Array.isArray(body[key]) ? (body[key] as string[]) : [];
      body[key] = [...list, i.message];
    } else {
      const nested = (body[key] && !Array.isArray(body[key]) ? body[key] : {}) as Record<string, string[]>;
      const sub = rest.join('.');
      nested[sub] = [...(nested[sub] ?? []), i.message];
      body[key] = nested;
    }
  }
  return body;
}

/** The media type a client sent, printable: DRF repeats it in its 415 message. */
const mediaTypeOf = (request: FastifyRequest) => String(request.headers['content-type'] ?? '').replace(/[^\x20-\x7e]|"/g, '').slice(0, 100);

/**
 * The AISquare error envelope, as Django REST framework (with simplejwt) answers: field
 * problems as a 400 object keyed by field, nested objects nested; everything else
 * `{"detail": "…"}` with DRF's own texts.
 */
export function renderDrfError(error: ProfiledError, request: FastifyRequest): RenderedError {
  const status = errorCatalogue[error.code].status;
  const detail = (text: string, s = status, headers?: Record<string, string>): RenderedError => ({ status: s, body: { detail: text }, contentType: JSON_TYPE, ...(headers ? { headers } : {}) });
  switch (error.code) {
    case 'auth.unauthenticated':
      return detail('Authentication credentials were not provided.');
    case 'auth.token_invalid':
    case 'auth.token_expired':
    case 'auth.session_revoked':
      return { status: 401, body: TOKEN_NOT_VALID, contentType: JSON_TYPE };
    case 'auth.malformed_header':
      return {
        status: 401,
        body: { detail: error.message === errorCatalogue[error.code].message ? 'Authorization header must contain two space-delimited values' : error.message, code: 'bad_authorization_header' },
        contentType: JSON_TYPE,
      };
    case 'auth.forbidden':
      return detail(error.message === errorCatalogue[error.code].message ? 'You do not have permission to perform this action.' : error.message);
    case 'profile.not_found':
      return detail('User detail not found.');
    case 'request.not_found':
      return detail('Not found.');
    case 'request.method_not_allowed':
      return detail(`Method "${request.method}" not allowed.`, 405, { allow: 'GET, PATCH, HEAD' });
    case 'request.malformed_json':
    case 'request.invalid_encoding':
      return detail(`JSON parse error - ${error.message}`);
    case 'request.unsupported_media_type':
      return detail(`Unsupported media type "${mediaTypeOf(request)}" in request.`);
    case 'request.body_too_large':
      return detail('Request body is larger than the server accepts.');
    case 'auth.rate_limited':
      return detail(`Request was throttled. Expected available in ${error.retryAfter ?? 1} seconds.`, 429, { 'retry-after': String(error.retryAfter ?? 1) });
    case 'internal.error':
      return detail('A server error occurred.');
  }
  if (error.issues.length > 0) return { status, body: fieldErrors(error), contentType: JSON_TYPE };
  // A validation error without a field is DRF's `non_field_errors`; anything else is a `detail`.
  if (error.code === 'profile.validation_failed') return { status, body: { non_field_errors: [error.message] }, contentType: JSON_TYPE };
  return detail(error.message);
}
