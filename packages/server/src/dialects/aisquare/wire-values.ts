import { isHttpUrl, type FieldValue } from '@profiled/core';
import type { Country } from '../../service/index.ts';
import type { Translated } from '../mapping.ts';

/**
 * How Django REST framework reads and writes scalar values, as value transforms for the
 * mapping table. DRF is lenient where HTML forms need it (booleans as "true"/"1"/"on",
 * numbers where strings are expected, surrounding whitespace trimmed) and strict elsewhere;
 * these follow `rest_framework.fields` so clients written for DRF behave the same here.
 */

const ok = (value: unknown): Translated => ({ ok: true, value });
const bad = (code: 'profile.invalid_type' | 'profile.invalid_url' | 'profile.invalid_country', message: string): Translated => ({ ok: false, code, message });

/** Python's name for a JSON value's type, as DRF messages print it. */
export function pyType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'object':
      return 'dict';
    default:
      return typeof value;
  }
}

/** `CharField`: a string, or a number turned into one; never a bool, list or dict. Whitespace trimmed. */
export function drfString(value: unknown): Translated {
  if (typeof value === 'string') return ok(value.trim());
  if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
  return bad('profile.invalid_type', 'Not a valid string.');
}

/** A `CharField` whose blank value means "none" on a nullable canonical field (phone, URLs, dates, country). */
export function blankAsNull(next: (value: string) => Translated = ok) {
  return (value: unknown): Translated => {
    const s = drfString(value);
    if (!s.ok) return s;
    return s.value === '' ? ok(null) : next(s.value as string);
  };
}

const TRUE = new Set<unknown>(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1', 1, true]);
const FALSE = new Set<unknown>(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0', 0, false]);

/** `BooleanField`: DRF's true and false spellings. */
export function drfBoolean(value: unknown): Translated {
  if (TRUE.has(value)) return ok(true);
  if (FALSE.has(value)) return ok(false);
  return bad('profile.invalid_type', 'Must be a valid boolean.');
}

/** `URLField`: an absolute http(s) URL ("Enter a valid URL."); the registry then applies its limits. */
export function drfUrl(value: string): Translated {
  return isHttpUrl(value) ? ok(value) : bad('profile.invalid_url', 'Enter a valid URL.');
}

/** `DateField` reads `YYYY-M-D` as Django's `parse_date` does; anything else goes on for the registry to refuse. */
export function drfDate(value: string): Translated {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  return ok(m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : value);
}

/**
 * A country as clients send it — ISO 3166-1 alpha-2 ("US"), alpha-3 ("USA", as the seed's own
 * example does) or the English short name ("United States of America") — to the canonical
 * alpha-2 code. Responses carry the alpha-2 code.
 */
export function countryReader(countries: readonly Country[]) {
  const byAlpha3 = new Map(countries.map((c) => [c.alpha3, c.code]));
  const byName = new Map(countries.map((c) => [c.name.toLocaleLowerCase('en'), c.code]));
  return (value: string): Translated => {
    if (/^[A-Za-z]{2}$/.test(value)) return ok(value.toUpperCase());
    const code = (/^[A-Za-z]{3}$/.test(value) ? byAlpha3.get(value.toUpperCase()) : undefined) ?? byName.get(value.toLocaleLowerCase('en'));
    return code ? ok(code) : bad('profile.invalid_country', `"${value}" is not a valid choice.`);
  };
}

/** A nullable canonical value rendered where the wire declares a plain string: none is "". */
export const blank = (value: FieldValue): FieldValue => value ?? '';

const SOCIAL_HOME: Readonly<Record<string, string>> = {
  twitter: 'https://twitter.com/',
  linkedin: 'https://www.linkedin.com/in/',
  github: 'https://github.com/',
  facebook: 'https://www.facebook.com/',
};

/**
 * The canonical social fields hold a URL or a handle (other dialects write handles); this
 * wire shows URLs, so a handle becomes the network's profile URL. A portfolio handle has no
 * home to point at and is shown as it is.
 */
export function socialUrl(network: string) {
  return (value: FieldValue): FieldValue => {
    if (typeof value !== 'string' || value === '' || isHttpUrl(value)) return value ?? '';
    const home = SOCIAL_HOME[network];
    return home ? `${home}${encodeURIComponent(value.replace(/^@/, ''))}` : value;
  };
}
