import { issue, type FieldIssue, type FieldValue } from '@profiled/core';

/** The canonical address group behind the one `address` wire property. */
export const ADDRESS_FIELDS = ['street', 'post_code', 'city', 'state'] as const;

/**
 * `address` is "any type" on this wire; canonically it is the address group that every
 * other dialect shows (Nexudus `Address`/`PostCode`/`CityName`/`State`). Nothing is lost
 * either way:
 *  - a string is the street line, and the other parts are cleared;
 *  - an object names the parts, `{street, post_code, city, state}` (any of them; a missing
 *    or null part is cleared); a key outside those four is refused, not dropped;
 *  - null (or "") clears the address;
 *  - anything else (a number, a list) is refused.
 * Each part then meets the registry's rules (one line, at most 200 characters). Country is
 * its own wire property and is not read from here.
 */
export function addressToCanonical(value: unknown): { changes: Record<string, unknown>; issues: FieldIssue[] } {
  const changes: Record<string, unknown> = Object.create(null);
  const issues: FieldIssue[] = [];
  const clear = () => {
    for (const f of ADDRESS_FIELDS) changes[f] = '';
  };
  if (value === null) {
    clear();
  } else if (typeof value === 'string') {
    clear();
    changes['street'] = value.trim();
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    clear();
    for (const [key, part] of Object.entries(value as Record<string, unknown>)) {
      if (!(ADDRESS_FIELDS as readonly string[]).includes(key)) {
        issues.push(issue('street', 'profile.field_unknown', `Unknown address part "${key}"; use street, post_code, city and state.`));
      } else if (part !== null) {
        changes[key] = typeof part === 'string' ? part.trim() : part;
      }
    }
  } else {
    issues.push(issue('street', 'profile.invalid_type', 'Expected a string or an object with street, post_code, city and state.', value));
  }
  return issues.length > 0 ? { changes: Object.create(null), issues } : { changes, issues };
}

/**
 * The group as this wire shows it: just the street line when that is all there is (so a
 * string written reads back as that string), otherwise an object of the four parts.
 */
export function addressToWire(values: Readonly<Record<string, FieldValue>>): FieldValue {
  const parts = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, typeof values[f] === 'string' ? (values[f] as string) : '']));
  return parts['post_code'] === '' && parts['city'] === '' && parts['state'] === '' ? (parts['street'] as string) : parts;
}
