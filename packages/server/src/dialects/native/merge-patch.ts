import type { JsonValue } from '@profiled/core';

/**
 * RFC 7396 JSON Merge Patch of one value: objects merge key by key (null deletes a key);
 * anything else replaces. Results are null-prototype objects.
 */
export function mergePatch(target: unknown, patch: unknown): JsonValue {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch as JsonValue;
  const base: Record<string, JsonValue> = Object.create(null);
  if (target !== null && typeof target === 'object' && !Array.isArray(target)) Object.assign(base, target);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}
