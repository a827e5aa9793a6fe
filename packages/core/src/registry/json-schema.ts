import type { FieldDef } from './types.ts';

export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of one field's value.
 * Validation is done by the registry walker; this schema documents the same rules.
 */
export function fieldSchema(def: FieldDef): JsonSchema {
  const s = baseSchema(def);
  s['description'] = def.description;
  if (def.writer !== 'self') s['readOnly'] = true;
  // An untyped (any-JSON) schema already admits null.
  if (def.nullable && s['type'] !== undefined) s['type'] = [s['type'], 'null'].flat();
  if (def.default !== null && def.writer !== 'computed' && !def.system) s['default'] = def.default;
  return s;
}

function baseSchema(def: FieldDef): JsonSchema {
  const len: JsonSchema = {};
  if (def.maxLength !== undefined) len['maxLength'] = def.maxLength;
  if (def.minLength !== undefined) len['minLength'] = def.minLength;
  switch (def.type) {
    case 'string':
    case 'text':
    case 'phone':
    case 'social':
      return { type: 'string', ...len };
    case 'username':
      return { type: 'string', ...len, pattern: def.pattern?.source };
    case 'email':
      return { type: 'string', format: 'email', ...len };
    case 'url':
      return { type: 'string', format: 'uri', ...len };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'id':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'integer':
    case 'number': {
      const s: JsonSchema = { type: def.type };
      if (def.minimum !== undefined) s['minimum'] = def.minimum;
      if (def.maximum !== undefined) s['maximum'] = def.maximum;
      return s;
    }
    case 'enum':
      return { type: 'string', enum: [...(def.values ?? [])] };
    case 'country':
      return { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' };
    case 'language':
      return { type: 'string', ...len };
    case 'string_list':
      return { type: 'array', items: { type: 'string', maxLength: def.itemMaxLength }, maxItems: def.maxItems };
    case 'id_list':
      return { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: def.maxItems };
    case 'json':
      return {};
  }
}

/** An object schema over the given fields; `writable` documents a request body. */
export function objectSchema(fields: readonly FieldDef[], opts: { title: string; writable: boolean }): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const def of fields) properties[def.name] = fieldSchema(def);
  const s: JsonSchema = { type: 'object', title: opts.title, properties, additionalProperties: false };
  if (!opts.writable) s['required'] = fields.map((f) => f.name);
  return s;
}
