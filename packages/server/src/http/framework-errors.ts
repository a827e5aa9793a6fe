import { ProfiledError } from '@profiled/core';

/**
 * Turns anything thrown while handling a request into a catalogue error: ours pass through,
 * Fastify's own (body limits, content types, JSON syntax, schema validation) get their
 * catalogue code, and anything else becomes `internal.error` (the cause goes to the log only).
 */
export function toProfiledError(err: unknown): ProfiledError {
  if (err instanceof ProfiledError) return err;
  const e = err as { code?: string; statusCode?: number; validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[]; validationContext?: string; message?: string };
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ProfiledError('request.body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProfiledError('request.unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ProfiledError('request.malformed_json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ProfiledError('request.invalid_body', { message: 'The Content-Length header does not match the body.' });
    case 'FST_ERR_NOT_FOUND':
      return new ProfiledError('request.not_found');
  }
  if (e?.validation) {
    const where = e.validationContext ?? 'request';
    return new ProfiledError(where === 'body' ? 'request.invalid_body' : 'request.invalid_parameter', {
      issues: e.validation.map((v) => {
        const name = v.instancePath?.replace(/^\//, '') || String(v.params?.['missingProperty'] ?? v.params?.['additionalProperty'] ?? where);
        return { field: name, code: 'request.invalid_parameter' as const, message: `${where} ${name}: ${v.message ?? 'is invalid'}` };
      }),
    });
  }
  if (err instanceof SyntaxError || (e?.statusCode === 400 && /JSON|prototype|constructor/i.test(e.message ?? ''))) {
    return new ProfiledError('request.malformed_json', /prototype|constructor/.test(e.message ?? '') ? { message: 'The request body contains a forbidden property name (__proto__ or constructor).' } : {});
  }
  if (e?.statusCode === 413) return new ProfiledError('request.body_too_large');
  if (e?.statusCode === 415) return new ProfiledError('request.unsupported_media_type');
  if (e?.statusCode === 405) return new ProfiledError('request.method_not_allowed');
  if (e?.statusCode === 400) return new ProfiledError('request.invalid_body', { message: 'The request is malformed.' });
  return new ProfiledError('internal.error', { cause: err });
}
