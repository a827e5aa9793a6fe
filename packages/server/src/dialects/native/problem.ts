import { errorCatalogue, type ProfiledError } from '@profiled/core';
import type { FastifyRequest } from 'fastify';
import type { RenderedError } from '../port.ts';

/** Turns a field name or dotted path into an RFC 6901 JSON Pointer. */
export function pointerOf(field: string): string {
  return `/${field.split('.').map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/**
 * The native error envelope: RFC 9457 problem details, with the stable catalogue `code`,
 * the request id, and one entry per field issue (`pointer` into the request body).
 */
export function renderProblem(error: ProfiledError, request: FastifyRequest): RenderedError {
  const status = errorCatalogue[error.code].status;
  const body: Record<string, unknown> = {
    type: `urn:profiled:problem:${error.code}`,
    title: errorCatalogue[error.code].message,
    status,
    detail: error.message,
    instance: request.url.split('?')[0],
    code: error.code,
    request_id: request.id,
  };
  if (error.issues.length > 0) {
    body['errors'] = error.issues.map((i) => ({ pointer: pointerOf(i.field), code: i.code, message: i.message }));
  }
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  return { status, body, contentType: 'application/problem+json; charset=utf-8', headers };
}
