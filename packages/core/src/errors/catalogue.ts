/**
 * The one catalogue of error codes. Codes are `area.reason`, stable, never reused; each has
 * the HTTP status the native API answers with and a default human message. Core and service
 * code throw only these codes; each dialect renders them into its own envelope.
 * @see ../../../../docs/errors.md (generated from this table and checked by a test)
 */
export const errorCatalogue = {
  // request: the shape of the HTTP request itself
  'request.malformed_json': { status: 400, message: 'The request body is not valid JSON.' },
  'request.invalid_body': { status: 400, message: 'The request body must be a JSON object.' },
  'request.invalid_encoding': { status: 400, message: 'The request body is not valid UTF-8.' },
  'request.invalid_parameter': { status: 400, message: 'A query, path or header parameter is invalid.' },
  'request.body_too_large': { status: 413, message: 'The request body is larger than the limit.' },
  'request.unsupported_media_type': { status: 415, message: 'The request content type is not supported here.' },
  'request.not_found': { status: 404, message: 'There is no such endpoint.' },
  'request.method_not_allowed': { status: 405, message: 'The method is not allowed on this endpoint.' },
  'request.precondition_malformed': { status: 400, message: 'The If-Match header is not a valid entity tag list.' },

  // profile: reading and writing profile fields
  'profile.validation_failed': { status: 400, message: 'One or more fields are invalid.' },
  'profile.field_unknown': { status: 400, message: 'There is no such field.' },
  'profile.field_not_writable': { status: 400, message: 'This field cannot be changed here.' },
  'profile.field_not_nullable': { status: 400, message: 'This field cannot be null.' },
  'profile.field_required': { status: 400, message: 'This field is required.' },
  'profile.invalid_type': { status: 400, message: 'The value has the wrong type.' },
  'profile.too_short': { status: 400, message: 'The value is too short.' },
  'profile.too_long': { status: 400, message: 'The value is too long.' },
  'profile.too_many_items': { status: 400, message: 'The list has too many items.' },
  'profile.out_of_range': { status: 400, message: 'The number is out of range.' },
  'profile.invalid_characters': { status: 400, message: 'The value contains characters that are not allowed.' },
  'profile.invalid_choice': { status: 400, message: 'The value is not one of the allowed choices.' },
  'profile.invalid_email': { status: 400, message: 'Enter a valid email address.' },
  'profile.invalid_url': { status: 400, message: 'Enter a valid http or https URL.' },
  'profile.invalid_date': { status: 400, message: 'Enter a valid date as YYYY-MM-DD.' },
  'profile.date_not_past': { status: 400, message: 'The date must be in the past.' },
  'profile.invalid_country': { status: 400, message: 'Enter an ISO 3166-1 country code.' },
  'profile.invalid_language': { status: 400, message: 'Enter a well-formed BCP 47 language tag.' },
  'profile.invalid_phone': { status: 400, message: 'Enter a phone number.' },
  'profile.phone_unreachable': { status: 400, message: 'A code is sent to a new mobile number: give it in international form (+44 20 7946 0000), or set the country first.' },
  'profile.json_too_large': { status: 400, message: 'The JSON value is too large or too deeply nested.' },
  'profile.version_conflict': { status: 412, message: 'The profile changed since you read it; reload and try again.' },
  'profile.not_found': { status: 404, message: 'The profile does not exist.' },
  'profile.not_changed': { status: 400, message: 'The profile was not changed.' },

  // account: identities
  'account.username_taken': { status: 400, message: 'That username is already taken.' },
  'account.email_taken': { status: 400, message: 'That email address is already in use.' },
  'account.not_found': { status: 404, message: 'The account does not exist.' },
  'account.disabled': { status: 403, message: 'The account is disabled.' },
  'org.not_found': { status: 404, message: 'The organization does not exist.' },
  'org.slug_taken': { status: 400, message: 'That organization slug is already taken.' },
  'org.invalid_slug': { status: 400, message: 'An organization slug is 1-64 lowercase letters, digits and hyphens.' },

  // password: policy and changes
  'password.incorrect': { status: 400, message: 'The current password is incorrect.' },
  'password.required': { status: 400, message: 'The current password is required to set a new one.' },
  'password.mismatch': { status: 400, message: 'The passwords do not match.' },
  'password.too_short': { status: 400, message: 'The password is too short.' },
  'password.too_long': { status: 400, message: 'The password is too long.' },
  'password.contains_username': { status: 400, message: 'The password must not contain the username.' },
  'password.contains_email': { status: 400, message: 'The password must not contain the email address.' },
  'password.common': { status: 400, message: 'The password is on a list of commonly used passwords.' },
  'password.too_weak': { status: 400, message: 'The password is too easy to guess.' },
  'password.unchanged': { status: 400, message: 'The new password must differ from the current one.' },

  // auth: who is calling
  'auth.unauthenticated': { status: 401, message: 'Authentication credentials were not provided.' },
  'auth.malformed_header': { status: 400, message: 'The Authorization header is malformed.' },
  'auth.token_invalid': { status: 401, message: 'The access token is invalid.' },
  'auth.token_expired': { status: 401, message: 'The access token has expired.' },
  'auth.session_revoked': { status: 401, message: 'The session has ended; sign in again.' },
  'auth.forbidden': { status: 403, message: 'You are not allowed to do this.' },
  'auth.service_account_forbidden': { status: 403, message: 'Service accounts cannot use self-service endpoints.' },
  'auth.rate_limited': { status: 429, message: 'Too many attempts; try again later.' },
  'auth.invalid_grant': { status: 400, message: 'The credentials or grant are invalid.' },
  'auth.unsupported_grant_type': { status: 400, message: 'The grant type is not supported.' },
  'auth.invalid_request': { status: 400, message: 'The token request is missing a parameter or is malformed.' },
  'auth.invalid_client': { status: 401, message: 'The client could not be authenticated.' },

  // follow: the social graph between profiles
  'follow.self': { status: 400, message: 'You cannot follow yourself.' },

  // lifecycle: verified changes, notifications, webhooks (issue 10)
  'verification.no_pending': { status: 404, message: 'There is no change waiting for a code.' },
  'verification.code_invalid': { status: 400, message: 'The code is not correct.' },
  'verification.code_expired': { status: 400, message: 'The code has expired; change the value again for a new one.' },
  'verification.too_many_attempts': { status: 429, message: 'Too many wrong codes; change the value again for a new one.' },
  'verification.undo_invalid': { status: 400, message: 'The undo link is unknown, used or expired.' },
  'notification.unknown_event': { status: 400, message: 'There is no such notification event.' },
  'notification.invalid_text': { status: 400, message: 'A notification needs a text of 1-10000 characters.' },
  'webhook.invalid_endpoint': { status: 400, message: 'A webhook endpoint needs an http(s) URL and known event types.' },
  'webhook.not_found': { status: 404, message: 'There is no such webhook message.' },

  // recovery: password reset and invitation links (issue 19)
  'recovery.invalid_token': { status: 400, message: 'The link is unknown, already used, or replaced by a newer one; ask for a new one.' },
  'recovery.token_expired': { status: 400, message: 'The link has expired; ask for a new one.' },
  'invitation.not_pending': { status: 400, message: 'The account has a password already: it signs in, or recovers its password, instead.' },

  // mfa: second factors and the devices signed in (issue 22)
  'auth.mfa_required': { status: 403, message: 'A second factor is required: send the code of your authenticator app, or a recovery code, as otp.' },
  'mfa.code_invalid': { status: 400, message: 'The code is not correct, or it was used already.' },
  'mfa.already_enrolled': { status: 409, message: 'An authenticator app is set up already; remove it first to set up another.' },
  'mfa.not_enrolled': { status: 404, message: 'There is no such second factor.' },
  'mfa.no_enrolment': { status: 400, message: 'There is no set-up waiting for its first code; start again.' },
  'session.not_found': { status: 404, message: 'There is no such session.' },
  'passkey.invalid': { status: 400, message: 'The passkey could not be verified; try again.' },
  'passkey.not_found': { status: 404, message: 'There is no such passkey.' },

  // upload: profile pictures and résumés (issue 23)
  'upload.missing_file': { status: 400, message: 'Send the file as the request body, or as the multipart part named "file".' },
  'upload.unsupported_type': { status: 415, message: 'A picture must be a JPEG, PNG, WebP, GIF or AVIF image (read from its bytes, whatever its name or content type).' },
  'upload.too_many_pixels': { status: 422, message: 'The image has more pixels than a picture may have.' },
  'upload.unreadable': { status: 422, message: 'The file is damaged or truncated and cannot be read.' },
  'upload.not_found': { status: 404, message: 'There is no such file.' },

  // vocabulary: the per-organization skill, investment-interest and tag lists
  'vocabulary.unknown_entry': { status: 400, message: 'There is no such entry in the organization\'s vocabulary.' },
  'vocabulary.name_taken': { status: 400, message: 'The vocabulary already has an entry with that name.' },
  'vocabulary.invalid_entry': { status: 400, message: 'A vocabulary entry needs a name of 1-100 characters and a description of at most 1000.' },

  // summary: AI-written profile summaries
  'summary.rate_limited': { status: 429, message: 'Too many summaries generated; try again later.' },
  'summary.timeout': { status: 504, message: 'The summary provider did not answer in time.' },
  'summary.provider_failed': { status: 502, message: 'The summary provider failed.' },

  // directory: the member directory
  'directory.busy': { status: 503, message: 'Too many searches are waiting; try again in a moment.' },

  // import: bulk import of members from a file (issue 19)
  'import.malformed_row': { status: 400, message: 'The row cannot be read: it is not a CSV record with a cell for each column, or not a JSON object on one line.' },
  'import.unsupported_hash': { status: 400, message: 'The password hash is in none of the supported formats: argon2id, argon2i, bcrypt ($2a$, $2b$, $2y$) or Django pbkdf2_sha256.' },

  // internal
  'internal.error': { status: 500, message: 'Something went wrong on our side.' },
  'internal.unavailable': { status: 503, message: 'The service is not ready.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalogue, code);
}
