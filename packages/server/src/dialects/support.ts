import type { FieldDef, FieldValue, JsonSchema } from '@profiled/core';

/**
 * Marks a body schema as documentation of a registry-validated body: the OpenAPI document
 * shows it, and the HTTP layer skips schema validation for it so the registry walker (the
 * one source of the rules) reports every issue in the dialect's own terms.
 */
export function registryBody(schema: JsonSchema): JsonSchema {
  return { ...schema, 'x-validated-by': 'registry' };
}

/** An allowlist projection: only the named fields leave the server, in registry order. */
export function projection(fields: readonly FieldDef[]) {
  const names = fields.map((f) => f.name);
  return (values: Readonly<Record<string, FieldValue>>): Record<string, FieldValue> => {
    const out: Record<string, FieldValue> = {};
    for (const name of names) out[name] = values[name] ?? null;
    return out;
  };
}

const ECHO_MAX_DEPTH = 3;
const ECHO_MAX_ITEMS = 20;
const ECHO_MAX_CHARS = 200;

/**
 * A value sent in a request, cut to a bounded size for quoting back in an error: strings to
 * 200 characters, lists and objects to 20 entries, three levels deep (deeper becomes null).
 * An error must never cost more to render than the request cost to send: a 10 000-deep array
 * echoed whole overflowed the stack while the body was serialised.
 */
export function boundedEcho(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > ECHO_MAX_CHARS ? `${[...value.slice(0, ECHO_MAX_CHARS + 1)].slice(0, ECHO_MAX_CHARS).join('')}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= ECHO_MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.slice(0, ECHO_MAX_ITEMS).map((v) => boundedEcho(v, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value).slice(0, ECHO_MAX_ITEMS)) out[k] = boundedEcho(v, depth + 1);
  return out;
}
