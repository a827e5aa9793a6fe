import { errorCatalogue, type ErrorCode } from './catalogue.ts';

/** One problem with one field of a request, named by its canonical field name. */
export interface FieldIssue {
  readonly field: string;
  readonly code: ErrorCode;
  readonly message: string;
  /** The offending value when it is safe to echo (never for secrets). */
  readonly value?: unknown;
}

export interface ErrorDetails {
  readonly message?: string;
  readonly issues?: readonly FieldIssue[];
  /** Seconds until a throttled caller may try again. */
  readonly retryAfter?: number;
  readonly cause?: unknown;
}

/**
 * The only error the core and the services throw. It carries a catalogue code and never an
 * HTTP status: each dialect decides how the code looks on its wire.
 */
export class ProfiledError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly FieldIssue[];
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, details: ErrorDetails = {}) {
    super(details.message ?? errorCatalogue[code].message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProfiledError';
    this.code = code;
    this.issues = details.issues ?? [];
    this.retryAfter = details.retryAfter;
  }

  /** The status the native API answers with; dialects may choose differently. */
  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

/** A failed validation: one error carrying every field issue found. */
export function validationFailed(issues: readonly FieldIssue[]): ProfiledError {
  return new ProfiledError('profile.validation_failed', { issues });
}

export function issue(field: string, code: ErrorCode, message?: string, value?: unknown): FieldIssue {
  const base = { field, code, message: message ?? errorCatalogue[code].message };
  return value === undefined ? base : { ...base, value };
}
