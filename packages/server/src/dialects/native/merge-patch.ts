import type { JsonValue } from '@profiled/core';

const MAX_MERGE_DEPTH = 64;

/**
 * RFC 7396 JSON Merge Patch of one value: objects merge key by key (null deletes a key);
 * anything else replaces. Results are null-prototype objects.
 */
export function mergePatch(target: unknown, patch: unknown, depth = 0): JsonValue {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch as JsonValue;
  // Deeper than any field allows (the registry refuses it next): replaced as it is, so a
  // 10 000-deep object costs no stack.
  if (depth >= MAX_MERGE_DEPTH) return patch as JsonValue;
  const base: Record<string, JsonValue> = Object.create(null);
  if (target !== null && typeof target === 'object' && !Array.isArray(target)) Object.assign(base, target);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value, depth + 1);
  }
  return base;
}
