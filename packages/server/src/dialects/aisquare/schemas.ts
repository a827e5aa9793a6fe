import type { JsonSchema } from '@profiled/core';
import type { Mapping } from '../mapping.ts';

/** The request body as documented: the table's writable lines, `details` nested. Unknown and read-only names are ignored (DRF). */
export function requestSchema(user: Mapping, details: Mapping): JsonSchema {
  const top = user.schema({ title: 'PatchedUserProfileUpdate', writable: true });
  const nested = { ...details.schema({ title: 'IAMUserDetail', writable: true }), additionalProperties: true, description: 'Profile details. Read-only and unknown properties are ignored, as Django REST framework ignores them.' };
  return {
    ...top,
    additionalProperties: true,
    description: 'Serializer for updating user profile information from both IAMUser and IAMUserDetail models. Omitted properties stay as they are; read-only and unknown ones are ignored.',
    properties: { ...(top['properties'] as Record<string, JsonSchema>), details: nested },
  };
}

const errorBody = (description: string): JsonSchema => ({ type: 'object', description, additionalProperties: true });

/** DRF's error bodies: field errors keyed like the request, or `{"detail": "…"}`. */
export const errorResponses = {
  400: errorBody('Invalid input: `{"field": ["message"], "details": {"field": ["message"]}}`, or `{"detail": "JSON parse error - …"}`.'),
  401: errorBody('`{"detail": "Authentication credentials were not provided."}`, or simplejwt\'s `{"detail": "Given token not valid for any token type", "code": "token_not_valid", "messages": […]}`.'),
  403: errorBody('`{"detail": "…"}`: service accounts cannot use this endpoint.'),
  404: errorBody('`{"detail": "User detail not found."}`'),
  413: errorBody('`{"detail": "…"}`: the body is larger than the server accepts.'),
  415: errorBody('`{"detail": "Unsupported media type \\"…\\" in request."}`'),
};
