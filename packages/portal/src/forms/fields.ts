import type { FieldMetadata } from '@profiled/core';
import { coworkerFields, type CoworkerField } from '@profiled/client/nexudus';
import type { ProfileSchema } from '../lib/api.ts';

/** A form field: the registry's description of it joined with its Nexudus wire name. */
export interface FormField {
  readonly meta: FieldMetadata;
  readonly wire: CoworkerField;
}

export type Values = Record<string, unknown>;

const byField = new Map(coworkerFields.map((w) => [w.field, w]));

/**
 * The fields a page shows: its sections' writable fields, in the registry's order, that the
 * Nexudus contract carries (the others are edited through other dialects).
 */
export function fieldsOfPage(schema: ProfileSchema, page: string): FormField[] {
  const sections = schema.pages.find((p) => p.name === page)?.sections ?? [];
  const out: FormField[] = [];
  for (const section of sections) {
    for (const meta of schema.fields) {
      const wire = byField.get(meta.name);
      if (meta.section === section && meta.writable && wire) out.push({ meta, wire });
    }
  }
  return out;
}

/** Wire value → what the control holds: enums as their canonical value, absent text as ''. */
export function toControl(f: FormField, value: unknown): unknown {
  if (f.meta.type === 'enum') {
    const canonical = Object.entries(f.wire.readsAs ?? {}).find(([, w]) => w === value)?.[0];
    return canonical ?? value ?? f.meta.default ?? '';
  }
  if (f.meta.type === 'boolean') return value === true;
  if (f.wire.wireType === 'integer') return value ?? null;
  return value ?? '';
}

/** Control value → what PATCH sends: a cleared nullable field as null. */
export function toWire(f: FormField, value: unknown): unknown {
  if (typeof value === 'string' && f.wire.wireType === 'string') {
    return value.trim() === '' && f.meta.nullable ? null : value;
  }
  return value;
}

export const sameValue = (f: FormField, a: unknown, b: unknown) => JSON.stringify(toWire(f, a)) === JSON.stringify(toWire(f, b));

/** Limits in words, from the registry, shown under the control. */
export function hintOf(f: FormField): string {
  const parts: string[] = [];
  if (f.meta.type === 'string_list') parts.push(`Comma-separated${f.meta.maxItems ? `, at most ${f.meta.maxItems}` : ''}${f.meta.itemMaxLength ? ` of at most ${f.meta.itemMaxLength} characters each` : ''}.`);
  else if (f.meta.maxLength && f.meta.type !== 'boolean' && f.wire.wireType === 'string') parts.push(`At most ${f.meta.maxLength.toLocaleString('en')} characters.`);
  if (f.meta.public) parts.push('Shown in the directory when your profile is listed.');
  // A country is chosen from a list: the registry's note on its stored form is not for people.
  return [f.meta.type === 'country' ? '' : f.meta.description, ...parts].filter(Boolean).join(' ');
}
