import countries from 'i18n-iso-countries';
import type { ErrorCode } from '../errors/catalogue.ts';
import type { FieldDef, FieldValue, JsonValue } from './types.ts';

/** The outcome of parsing one value: the normalised value, or why it was refused. */
export type ValueResult = { ok: true; value: FieldValue } | { ok: false; code: ErrorCode; message: string };

export interface ValueContext {
  /** Today's date (YYYY-MM-DD, UTC), for "in the past" rules; passed in so the core reads no clock. */
  readonly today: string;
}

export type ValueParser = (raw: unknown, ctx: ValueContext) => ValueResult;

const ok = (value: FieldValue): ValueResult => ({ ok: true, value });
const fail = (code: ErrorCode, message: string): ValueResult => ({ ok: false, code, message });

// C0/C1 controls and DEL; multi-line text allows tab, LF and CR.
const CONTROL_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const HANDLE = /^@?[\p{L}\p{N}._-]{1,100}$/u;
const PHONE = /^\+?[0-9 ()./-]{3,}(?:\s*(?:x|ext\.?|#)\s*[0-9]{1,8})?$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const utf8 = new TextEncoder();

/** Length in Unicode code points, which is what people mean by "characters". */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function text(def: FieldDef, raw: unknown, multiline: boolean): ValueResult | string {
  if (typeof raw !== 'string') return fail('profile.invalid_type', 'Expected a string.');
  if (!raw.isWellFormed()) return fail('profile.invalid_characters', 'The text contains an unpaired surrogate.');
  const value = raw.normalize('NFC');
  if ((multiline ? CONTROL_TEXT : CONTROL_LINE).test(value)) {
    return fail('profile.invalid_characters', 'The text contains control characters.');
  }
  const length = charLength(value);
  if (def.maxLength !== undefined && length > def.maxLength) {
    return fail('profile.too_long', `Ensure this value has at most ${def.maxLength} characters (it has ${length}).`);
  }
  if (def.minLength !== undefined && length < def.minLength) {
    return fail('profile.too_short', def.minLength === 1 ? 'This value may not be blank.' : `Ensure this value has at least ${def.minLength} characters.`);
  }
  return value;
}

/** Is `value` an absolute http(s) URL with a host? */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value) && (value.split('@')[0]?.length ?? 0) <= 64;
}

function isRealDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 1800;
}

function jsonShape(value: unknown, depth: number, maxDepth: number): boolean {
  if (depth > maxDepth) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => jsonShape(v, depth + 1, maxDepth));
  if (typeof value === 'object') return Object.values(value as object).every((v) => jsonShape(v, depth + 1, maxDepth));
  return false;
}

/**
 * Why a JSON value cannot be stored exactly as sent, if it cannot: a NUL (PostgreSQL's text
 * and jsonb cannot hold it), an unpaired surrogate (no UTF-8 encodes one), or an integer
 * beyond 2^53 (JSON.parse already rounded it, so what was sent is lost).
 */
function jsonUnstorable(value: unknown): ValueResult | undefined {
  const text = (s: string) => (s.isWellFormed() && !s.includes('\u0000') ? undefined : fail('profile.invalid_characters', 'The value contains a NUL character or an unpaired surrogate.'));
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value) ? fail('profile.out_of_range', `Integers must be within ±${Number.MAX_SAFE_INTEGER} to be kept exactly.`) : undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const why = jsonUnstorable(v);
      if (why) return why;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const why = text(k) ?? jsonUnstorable(v);
      if (why) return why;
    }
  }
  return undefined;
}

/** Copies JSON into null-prototype objects so no key (e.g. `__proto__`) can reach a prototype. */
function cloneJson(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = Object.create(null);
    for (const [k, v] of Object.entries(value)) out[k] = cloneJson(v);
    return out;
  }
  return value as JsonValue;
}

/** Builds the parser for one field from its declaration; called once per field, not per request. */
export function compileValueParser(def: FieldDef): ValueParser {
  switch (def.type) {
    case 'string':
    case 'username':
    case 'text': {
      const multiline = def.type === 'text';
      return (raw) => {
        const v = text(def, raw, multiline);
        if (typeof v !== 'string') return v;
        if (def.pattern && !def.pattern.test(v)) {
          return fail('profile.invalid_characters', `Use ${def.patternHint ?? 'the allowed characters'}.`);
        }
        return ok(v);
      };
    }
    case 'email':
      return (raw) => {
        const v = text(def, raw, false);
        if (typeof v !== 'string') return v;
        const trimmed = v.trim();
        if (trimmed === '' && !def.nullable) return ok('');
        return isEmail(trimmed) ? ok(trimmed) : fail('profile.invalid_email', 'Enter a valid email address.');
      };
    case 'url':
      return (raw) => {
        const v = text(def, raw, false);
        if (typeof v !== 'string') return v;
        const trimmed = v.trim();
        return isHttpUrl(trimmed) ? ok(trimmed) : fail('profile.invalid_url', 'Enter a valid URL (http or https).');
      };
    case 'social':
      return (raw) => {
        const v = text(def, raw, false);
        if (typeof v !== 'string') return v;
        const trimmed = v.trim();
        if (isHttpUrl(trimmed) || HANDLE.test(trimmed)) return ok(trimmed);
        return fail('profile.invalid_url', 'Enter an http(s) URL or a handle (letters, digits, . _ -).');
      };
    case 'phone':
      return (raw) => {
        const v = text(def, raw, false);
        if (typeof v !== 'string') return v;
        const trimmed = v.trim();
        const digits = trimmed.replace(/\D/g, '').length;
        if (!PHONE.test(trimmed) || digits < 3 || digits > 20) {
          return fail('profile.invalid_phone', 'Enter a phone number: digits, spaces and + ( ) . / - only, with an optional extension.');
        }
        return ok(trimmed);
      };
    case 'date':
      return (raw, ctx) => {
        if (typeof raw !== 'string') return fail('profile.invalid_type', 'Expected a date string (YYYY-MM-DD).');
        if (!isRealDate(raw)) return fail('profile.invalid_date', 'Enter a valid date as YYYY-MM-DD.');
        if (raw >= ctx.today) return fail('profile.date_not_past', 'The date must be in the past.');
        return ok(raw);
      };
    case 'boolean':
      return (raw) => (typeof raw === 'boolean' ? ok(raw) : fail('profile.invalid_type', 'Expected true or false.'));
    case 'integer':
    case 'number':
      return (raw) => {
        const integer = def.type === 'integer';
        if (typeof raw !== 'number' || !Number.isFinite(raw) || (integer && !Number.isSafeInteger(raw))) {
          return fail('profile.invalid_type', integer ? 'Expected an integer.' : 'Expected a number.');
        }
        if ((def.minimum !== undefined && raw < def.minimum) || (def.maximum !== undefined && raw > def.maximum)) {
          return fail('profile.out_of_range', `Expected a value between ${def.minimum ?? '-∞'} and ${def.maximum ?? '∞'}.`);
        }
        return ok(raw);
      };
    case 'enum':
      return (raw) =>
        typeof raw === 'string' && def.values?.includes(raw)
          ? ok(raw)
          : fail('profile.invalid_choice', `Expected one of: ${def.values?.join(', ')}.`);
    case 'country':
      return (raw) => {
        if (typeof raw !== 'string') return fail('profile.invalid_type', 'Expected an ISO 3166-1 alpha-2 code.');
        const code = raw.trim().toUpperCase();
        return /^[A-Z]{2}$/.test(code) && countries.isValid(code)
          ? ok(code)
          : fail('profile.invalid_country', 'Enter an ISO 3166-1 alpha-2 country code, such as "DE".');
      };
    case 'language':
      return (raw) => {
        const v = text(def, raw, false);
        if (typeof v !== 'string') return v;
        try {
          const [canonical] = Intl.getCanonicalLocales(v);
          if (canonical && /^[A-Za-z0-9-]+$/.test(v)) return ok(canonical);
        } catch {
          // RangeError: not a well-formed tag
        }
        return fail('profile.invalid_language', 'Enter a well-formed BCP 47 language tag, such as "en" or "pt-BR".');
      };
    case 'string_list':
      return (raw) => {
        if (!Array.isArray(raw)) return fail('profile.invalid_type', 'Expected a list of strings.');
        const seen = new Set<string>();
        const out: string[] = [];
        for (const item of raw) {
          if (typeof item !== 'string') return fail('profile.invalid_type', 'Expected a list of strings.');
          if (!item.isWellFormed() || CONTROL_LINE.test(item)) return fail('profile.invalid_characters', 'A tag contains characters that are not allowed.');
          const tag = item.normalize('NFC').trim();
          if (tag === '') continue;
          if (def.itemMaxLength !== undefined && charLength(tag) > def.itemMaxLength) {
            return fail('profile.too_long', `Each item may have at most ${def.itemMaxLength} characters.`);
          }
          const key = tag.toLocaleLowerCase('en');
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(tag);
        }
        if (def.maxItems !== undefined && out.length > def.maxItems) {
          return fail('profile.too_many_items', `Ensure this list has at most ${def.maxItems} items.`);
        }
        return ok(out);
      };
    case 'id_list':
      return (raw) => {
        if (!Array.isArray(raw) || !raw.every((n) => Number.isSafeInteger(n) && (n as number) > 0)) {
          return fail('profile.invalid_type', 'Expected a list of positive integer identifiers.');
        }
        const out = [...new Set(raw as number[])];
        if (def.maxItems !== undefined && out.length > def.maxItems) {
          return fail('profile.too_many_items', `Ensure this list has at most ${def.maxItems} items.`);
        }
        return ok(out);
      };
    case 'json':
      return (raw) => {
        const maxDepth = def.maxDepth ?? 8;
        if (!jsonShape(raw, 0, maxDepth)) return fail('profile.json_too_large', `The value must be JSON at most ${maxDepth} levels deep.`);
        const unstorable = jsonUnstorable(raw);
        if (unstorable) return unstorable;
        const bytes = utf8.encode(JSON.stringify(raw)).length;
        if (def.maxBytes !== undefined && bytes > def.maxBytes) {
          return fail('profile.json_too_large', `The value may be at most ${def.maxBytes} bytes of JSON.`);
        }
        return ok(cloneJson(raw));
      };
    case 'id':
    case 'datetime':
      return () => fail('profile.field_not_writable', 'This field is set by the system.');
  }
}
