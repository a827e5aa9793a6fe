import { errorCatalogue, type FieldIssue, type ProfiledError } from '@profiled/core';
import type { FastifyRequest, RenderedError } from '../port.ts';
import { boundedEcho } from '../support.ts';
import { PASSWORD_FIELDS } from './fields.ts';

/** One entry of `Errors`, as Nexudus lists validation problems. */
export interface NexudusError {
  readonly PropertyName: string | null;
  readonly AttemptedValue: unknown;
  readonly Message: string;
}

/** Nexudus' `ActionConfirmation`: every answer of an action endpoint, success or not. */
export interface ActionConfirmation {
  readonly WasSuccessful: boolean;
  readonly Value: string | null;
  readonly Status: number;
  readonly Message: string | null;
  /** null on success; on failure never empty. */
  readonly Errors: readonly NexudusError[] | null;
}

export const confirmation = (value: string | null = null): ActionConfirmation => ({ WasSuccessful: true, Value: value, Status: 200, Message: null, Errors: null });

export const actionConfirmationSchema = {
  type: 'object',
  title: 'ActionConfirmation',
  properties: {
    WasSuccessful: { type: 'boolean' },
    Value: { type: ['string', 'null'] },
    Status: { type: 'integer', description: 'The HTTP status, mirrored.' },
    Message: { type: ['string', 'null'] },
    Errors: {
      type: ['array', 'null'],
      items: { type: 'object', properties: { PropertyName: { type: ['string', 'null'] }, AttemptedValue: {}, Message: { type: 'string' } } },
    },
  },
  required: ['WasSuccessful', 'Value', 'Status', 'Message', 'Errors'],
};

/**
 * Where Nexudus' statuses differ from the catalogue's: throttling is a 409 (with
 * Retry-After), as public Nexudus material documents.
 */
const STATUS: Partial<Record<string, number>> = { 'auth.rate_limited': 409, 'summary.rate_limited': 409, 'auth.malformed_header': 401 };

/** The message at the top of a 400: the one problem, or how many there are. */
function headline(issues: readonly FieldIssue[]): string {
  return issues.length === 1 ? issues[0]!.message : `${issues.length} fields failed validation.`;
}

/**
 * Renders any error as an ActionConfirmation. A field problem names the PascalCase wire
 * field and echoes what was sent there (cut to a bounded size) — except a password, which is
 * never echoed. Any other failure is one entry with `PropertyName` null.
 */
export function renderNexudusError(error: ProfiledError, request: FastifyRequest, wireName: (field: string) => string): RenderedError {
  const status = STATUS[error.code] ?? errorCatalogue[error.code].status;
  const body = request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
  const errors: NexudusError[] = error.issues.map((i) => {
    const name = wireName(i.field);
    return { PropertyName: name, AttemptedValue: PASSWORD_FIELDS.has(name) || !Object.hasOwn(body, name) ? null : boundedEcho(body[name]), Message: i.message };
  });
  // "Check Errors in the response body" (seed 000): a failure always lists at least one entry;
  // a problem of the request as a whole names no property.
  if (errors.length === 0) errors.push({ PropertyName: null, AttemptedValue: null, Message: error.message });
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  else if (status === 409) headers['retry-after'] = '60';
  const envelope: ActionConfirmation = {
    WasSuccessful: false,
    Value: null,
    Status: status,
    Message: error.issues.length > 0 ? headline(error.issues) : error.message,
    Errors: errors,
  };
  return { status, body: envelope, headers };
}
