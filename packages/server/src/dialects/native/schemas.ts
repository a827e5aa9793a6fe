import { objectSchema, type CompiledRegistry, type JsonSchema } from '@profiled/core';

/** The problem-details schema every native error response documents. */
export const problemSchema: JsonSchema = {
  type: 'object',
  title: 'Problem',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'Stable error code from the error catalogue (area.reason).' },
    request_id: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { pointer: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { ...problemSchema, description: `Problem (${s})` }]));

/** Written values not applied yet (verify before change): the profile shows the verified ones. */
export const pendingChangesSchema: JsonSchema = {
  type: 'array',
  description: 'Values written but not applied until the code sent to them is entered (`POST /v1/me/verify`): a new email (the code is mailed to it) or mobile number (texted). The profile keeps the verified values meanwhile; `[]` when nothing waits.',
  items: {
    type: 'object',
    properties: { field: { type: 'string', enum: ['email', 'mobile_phone'] }, value: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' } },
    required: ['field', 'value', 'expires_at'],
  },
};

/** The profile as the native API returns and accepts it, straight from the registry. */
export function profileSchemas(reg: CompiledRegistry) {
  const readable = reg.readableFields;
  const profile = objectSchema(readable, { title: 'Profile', writable: false });
  return {
    profile,
    /** The owner's profile: the same, plus what waits for a code. */
    own: { ...profile, title: 'OwnProfile', properties: { ...(profile['properties'] as Record<string, JsonSchema>), pending_changes: pendingChangesSchema } },
    patch: {
      ...objectSchema(readable.filter((f) => f.writer === 'self'), { title: 'ProfilePatch', writable: true }),
      description: 'JSON merge patch (RFC 7396): omitted fields stay, null clears a nullable field. Unknown and read-only fields are refused.',
    },
  };
}
