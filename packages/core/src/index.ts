/** @profiled/core: the field registry, the error catalogue and the profile types. No I/O. */
export type * from './registry/types.ts';
export { field } from './registry/define.ts';
export { registry } from './registry/fields.ts';
export { compileRegistry, deriveChanges, parseChanges, type CompiledRegistry, type ParseOptions, type ParseResult } from './registry/compile.ts';
export { toE164 } from './registry/phone.ts';
export { charLength, isEmail, isHttpUrl, type ValueContext } from './registry/values.ts';
export { fieldSchema, objectSchema, type JsonSchema } from './registry/json-schema.ts';
export { formMetadata, PAGES, type FieldMetadata, type PageMetadata, type ProfileSchemaMetadata } from './registry/form-metadata.ts';
export { errorCatalogue, isErrorCode, type ErrorCode } from './errors/catalogue.ts';
export { ProfiledError, validationFailed, issue, type FieldIssue, type ErrorDetails } from './errors/profiled-error.ts';
