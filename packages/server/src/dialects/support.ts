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
