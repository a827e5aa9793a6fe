import { errorCatalogue, type FieldIssue, type ProfiledError } from '@profiled/core';
import type { FastifyRequest } from 'fastify';
import type { RenderedError } from '../port.ts';

/** `Type`: 0 validation, 1 authorization, 2 system. `Severity`: 0 error, 1 warning, 2 information. */
export interface Message {
  readonly Code: string;
  readonly Message: string;
  readonly Target: string | null;
  readonly Field: string | null;
  readonly Metadata: Record<string, string | null>;
  readonly Type: 0 | 1 | 2;
  readonly Severity: 0 | 1 | 2;
}

/** The reason part of a workspace Code, from the catalogue code: one table, not per field. */
const REASONS: Record<string, string> = {
  'profile.field_not_nullable': 'required',
  'profile.field_required': 'required',
  'profile.too_long': 'too_long',
  'profile.too_short': 'required',
  'profile.invalid_email': 'invalid',
  'profile.invalid_characters': 'invalid',
  'profile.invalid_type': 'invalid_type',
  'profile.field_unknown': 'unknown',
  'profile.field_not_writable': 'read_only',
  'account.username_taken': 'taken',
  'account.email_taken': 'taken',
};

export function fieldMessage(issue: FieldIssue, wire: string): Message {
  return { Code: `${wire.toLowerCase()}.${REASONS[issue.code] ?? 'invalid'}`, Message: issue.message, Target: wire, Field: wire, Metadata: {}, Type: 0, Severity: 0 };
}

export function envelope(data: unknown, errors: readonly Message[] = [], warnings: readonly Message[] = []) {
  return { Data: data, Errors: errors, Warnings: warnings, Success: errors.length === 0 };
}

/**
 * Errors outside a handler's own validation: the envelope with `Data: null`, except the 403
 * for API keys, which the seed documents as an RFC 7807 problem.
 */
export function renderWorkspaceError(error: ProfiledError, request: FastifyRequest, wireName: (field: string) => string): RenderedError {
  const status = errorCatalogue[error.code].status;
  if (status === 403) {
    return {
      status,
      contentType: 'application/problem+json; charset=utf-8',
      body: { type: `urn:profiled:problem:${error.code}`, title: errorCatalogue[error.code].message, status, detail: error.message, instance: request.url.split('?')[0] },
    };
  }
  const type = status === 401 ? 1 : status >= 500 ? 2 : 0;
  const errors: Message[] = error.issues.length > 0
    ? error.issues.map((i) => fieldMessage(i, wireName(i.field)))
    : [{ Code: error.code, Message: error.message, Target: null, Field: null, Metadata: {}, Type: type, Severity: 0 }];
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  return { status, body: envelope(null, errors), headers };
}
