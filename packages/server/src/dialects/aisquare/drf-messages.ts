import { ProfiledError, type CompiledRegistry, type FieldDef, type FieldIssue } from '@profiled/core';
import type { Mapping } from '../mapping.ts';
import { ADDRESS_FIELDS } from './address.ts';
import { pyType } from './wire-values.ts';

/**
 * Where each canonical field sits on this wire: `username` at the top, `details.bio` inside
 * the nested object (DRF nests a nested serializer's errors the same way). Only writable
 * lines count: the view's read-only `*_data` lines share their canonical fields.
 */
export function wirePaths(user: Mapping, details: Mapping): ReadonlyMap<string, string> {
  const paths = new Map<string, string>();
  for (const w of user.table) if (!w.readOnly) paths.set(w.field, w.wire);
  for (const w of details.table) if (!w.readOnly && w.wire !== 'address') paths.set(w.field, `details.${w.wire}`);
  for (const f of ADDRESS_FIELDS) paths.set(f, 'details.address');
  return paths;
}

/** DRF's own text for a rule, where DRF has one; otherwise the registry's message. */
function drfText(i: FieldIssue, def: FieldDef | undefined): string {
  switch (i.code) {
    case 'profile.field_not_nullable':
      return 'This field may not be null.';
    case 'profile.too_short':
      return def?.minLength === 1 ? 'This field may not be blank.' : `Ensure this field has at least ${def?.minLength} characters.`;
    case 'profile.too_long':
      return def?.maxLength !== undefined ? `Ensure this field has no more than ${def.maxLength} characters.` : i.message;
    case 'profile.too_many_items':
      return def?.maxItems !== undefined ? `Ensure this field has no more than ${def.maxItems} elements.` : i.message;
    case 'profile.invalid_url':
      return 'Enter a valid URL.';
    case 'profile.invalid_date':
      return 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';
    case 'profile.date_not_past':
      return 'Ensure this date is in the past.';
    case 'profile.invalid_country':
      return i.message.endsWith('is not a valid choice.') ? i.message : `"${String(i.value)}" is not a valid choice.`;
    case 'account.username_taken':
      return 'A user with that username already exists.';
    case 'profile.invalid_characters':
      return def?.type === 'username' ? 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.' : i.message;
    case 'profile.invalid_type':
      return invalidType(i, def);
    default:
      return i.message;
  }
}

function invalidType(i: FieldIssue, def: FieldDef | undefined): string {
  switch (def?.type) {
    case 'boolean':
      return 'Must be a valid boolean.';
    case 'date':
      return 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';
    case 'integer':
      return 'A valid integer is required.';
    case 'number':
      return 'A valid number is required.';
    case 'id_list':
    case 'string_list':
      // A list of the wrong type gets DRF's list message; a bad item keeps the service's own.
      return Array.isArray(i.value) || i.value === undefined ? i.message : `Expected a list of items but got type "${pyType(i.value)}".`;
    case 'json':
      return i.message;
    default:
      return i.field === 'street' ? i.message : 'Not a valid string.';
  }
}

/**
 * A validation error with its issues moved onto this wire: named by wire path (`username`,
 * `details.linkedin_url`) and worded as DRF words them. Other errors pass through.
 */
export function toDrfIssues(err: unknown, registry: CompiledRegistry, paths: ReadonlyMap<string, string>): unknown {
  if (!(err instanceof ProfiledError) || err.issues.length === 0) return err;
  const issues = err.issues.map((i) => ({ ...i, field: paths.get(i.field) ?? i.field, message: drfText(i, registry.byName.get(i.field)) }));
  return new ProfiledError(err.code, { message: err.message, issues, cause: err });
}
