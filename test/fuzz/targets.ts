/**
 * The write endpoints the fuzz suite attacks, each with how to recognise its own envelope.
 * A dialect adds one entry here; the properties are the same for all.
 */
export interface FuzzTarget {
  readonly name: string;
  readonly method: 'PATCH' | 'PUT' | 'POST';
  readonly path: string;
  readonly contentType: string;
  /** A GET that shows the stored state, to prove a rejected request changed nothing. */
  readonly readPath: string;
  /** Does the body look like this dialect's envelope for this status? */
  envelope(status: number, body: unknown, contentType: string | null): boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export const targets: readonly FuzzTarget[] = [
  {
    name: 'native PATCH /v1/me/profile',
    method: 'PATCH',
    path: '/v1/me/profile',
    contentType: 'application/merge-patch+json',
    readPath: '/v1/me/profile',
    envelope: (status, body, ct) =>
      status === 200 ? isObject(body) && typeof body['version'] === 'number' : isObject(body) && body['status'] === status && typeof body['code'] === 'string' && /problem\+json/.test(ct ?? ''),
  },
  {
    name: 'native POST /v1/me/password',
    method: 'POST',
    path: '/v1/me/password',
    contentType: 'application/json',
    readPath: '/v1/me/profile',
    envelope: (status, body, ct) => (status === 204 ? body === undefined : isObject(body) && body['status'] === status && /problem\+json/.test(ct ?? '')),
  },
  {
    name: 'aisquare PATCH /api/v1/iam/user/profile/',
    method: 'PATCH',
    path: '/api/v1/iam/user/profile/',
    contentType: 'application/json',
    readPath: '/api/v1/iam/user/profile/',
    // DRF: the view on success; on failure a dict of field errors or {"detail": "..."}.
    envelope: (status, body) => (status === 200 ? isObject(body) && typeof body['user_id'] === 'string' : isObject(body) && Object.keys(body).length > 0),
  },
  {
    name: 'zitadel PUT /auth/v1/users/me/profile',
    method: 'PUT',
    path: '/auth/v1/users/me/profile',
    contentType: 'application/json',
    readPath: '/auth/v1/users/me/profile',
    // gRPC-gateway: {details} on success, {code, message, details: []} on failure.
    envelope: (status, body) => (status === 200 ? isObject(body) && isObject(body['details']) : isObject(body) && typeof body['code'] === 'number' && typeof body['message'] === 'string' && Array.isArray(body['details'])),
  },
  {
    name: 'workspace PUT /api/workspace/account/profile',
    method: 'PUT',
    path: '/api/workspace/account/profile',
    contentType: 'application/json',
    readPath: '/api/workspace/account/profile',
    envelope: (status, body) => isObject(body) && typeof body['Success'] === 'boolean' && body['Success'] === (status === 200) && Array.isArray(body['Errors']) && Array.isArray(body['Warnings']),
  },
  {
    name: 'nexudus PATCH /api/public/coworker/profile',
    method: 'PATCH',
    path: '/api/public/coworker/profile',
    contentType: 'application/json',
    readPath: '/en/profile?_resource=Coworker',
    // ActionConfirmation: WasSuccessful and Status mirror the HTTP status; Errors is null or a list.
    envelope: (status, body) =>
      isObject(body) && body['WasSuccessful'] === (status === 200) && body['Status'] === status && (body['Errors'] === null || Array.isArray(body['Errors'])),
  },
  {
    name: 'native POST /v1/me/profile/summary:preview',
    method: 'POST',
    path: '/v1/me/profile/summary:preview',
    contentType: 'application/json',
    readPath: '/v1/me/profile',
    envelope: (status, body, ct) =>
      status === 200 ? isObject(body) && typeof body['summary_html'] === 'string' && !/<script/i.test(body['summary_html']) : isObject(body) && body['status'] === status && /problem\+json/.test(ct ?? ''),
  },
  {
    name: 'oauth POST /oauth/token',
    method: 'POST',
    path: '/oauth/token',
    contentType: 'application/x-www-form-urlencoded',
    readPath: '/v1/me/profile',
    // RFC 6749 §5.2: {error, error_description}; a random body never holds valid credentials.
    envelope: (status, body) => status >= 400 && isObject(body) && typeof body['error'] === 'string',
  },
  {
    name: 'oauth POST /oauth/revoke',
    method: 'POST',
    path: '/oauth/revoke',
    contentType: 'application/x-www-form-urlencoded',
    readPath: '/v1/me/profile',
    // RFC 7009: 200 for any token (unknown ones included), else {error}.
    envelope: (status, body) => (status === 200 ? isObject(body) : isObject(body) && typeof body['error'] === 'string'),
  },
];
