import type { FieldValue } from '@profiled/core';
import type { Services } from '../../service/index.ts';
import type { Translated, WireField } from '../mapping.ts';

/**
 * Nexudus' `eGender` (0 None, 1 NotSet, 2 Male, 3 Female, 4 Other, 5 RatherNotSay) by name
 * or number, case-insensitively, plus the canonical names; onto the canonical enum.
 * None, NotSet and RatherNotSay all mean "unspecified" and read back as "NotSet".
 */
const GENDER_IN: Readonly<Record<string, string>> = {
  none: 'unspecified', notset: 'unspecified', ratherNotSay: 'unspecified', unspecified: 'unspecified', notspecified: 'unspecified',
  male: 'male', female: 'female', other: 'diverse', diverse: 'diverse',
  '0': 'unspecified', '1': 'unspecified', '2': 'male', '3': 'female', '4': 'diverse', '5': 'unspecified',
};
const GENDER_KEYS = new Map(Object.entries(GENDER_IN).map(([k, v]) => [k.toLowerCase(), v]));
const GENDER_OUT: Readonly<Record<string, string>> = { unspecified: 'NotSet', male: 'Male', female: 'Female', diverse: 'Other' };
export const ACCEPTED_GENDERS = ['None', 'NotSet', 'Male', 'Female', 'Other', 'RatherNotSay', 'Unspecified', 'Diverse', '0–5'];

const refuse = (code: 'profile.invalid_choice' | 'profile.invalid_country' | 'profile.invalid_type', message: string): Translated => ({ ok: false, code, message });

function gender(value: unknown): Translated {
  const key = typeof value === 'number' || typeof value === 'string' ? String(value).trim().toLowerCase() : undefined;
  const canonical = key === undefined ? undefined : GENDER_KEYS.get(key);
  return canonical ? { ok: true, value: canonical } : refuse('profile.invalid_choice', `Gender must be one of ${ACCEPTED_GENDERS.join(', ')} (case-insensitive).`);
}

/** A comma-separated tag string onto the canonical list; the registry trims, drops empties and de-duplicates. */
function tags(value: unknown): Translated {
  if (typeof value !== 'string') return refuse('profile.invalid_type', 'ProfileTags must be a comma-separated string.');
  return { ok: true, value: value.split(',') };
}

/** .NET clients send a `DateTime`; a date at midnight is the same date. Anything else is left for the registry to judge. */
function dateOfBirth(value: unknown): Translated {
  if (typeof value === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2})T00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$/.exec(value.trim());
    if (m) return { ok: true, value: m[1] };
  }
  return { ok: true, value };
}

/** A numeric ISO 3166-1 id, as `GET /api/public/countries` lists them, onto alpha-2. */
function countryId(countries: Services['countries'] | undefined, wire: string) {
  return (value: unknown): Translated => {
    if (!countries) throw new Error('coworkerFields: built for its names only');
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : NaN;
    const country = Number.isSafeInteger(n) ? countries.byNumeric(n) : undefined;
    return country ? { ok: true, value: country.code } : refuse('profile.invalid_country', `${wire} must be an Id from GET /api/public/countries.`);
  };
}

const numericOf = (countries: Services['countries'] | undefined) => (v: FieldValue) => (typeof v === 'string' && countries ? (countries.byCode(v)?.numeric ?? null) : null);

const NUMBER_ID = { type: 'integer', description: 'ISO 3166-1 numeric country id, as listed by GET /api/public/countries.' };

/**
 * The coworker profile of `PATCH /api/public/coworker/profile`, in the seed's order, wire
 * name ⇄ canonical field. Without `countries` the table serves for its names only.
 */
export function coworkerFields(countries?: Services['countries']): WireField[] {
  const nonNull = (wire: string, field: string, extra: Partial<WireField> = {}): WireField => ({ wire, field, nullable: false, ...extra });
  const plain = (wire: string, field: string): WireField => ({ wire, field });
  return [
    // Personal information
    nonNull('FullName', 'display_name'),
    plain('NickName', 'nickname'),
    nonNull('Gender', 'gender', { toCanonical: gender, toWire: (v) => GENDER_OUT[String(v)] ?? 'NotSet', schema: { type: 'string', description: `Gender, case-insensitive: ${ACCEPTED_GENDERS.join(', ')}. Read back as NotSet, Male, Female or Other.` } }),
    { wire: 'DateOfBirth', field: 'date_of_birth', toCanonical: dateOfBirth, schema: { type: ['string', 'null'], format: 'date', description: 'ISO 8601 date of birth in the past (a date-time at midnight is accepted).' } },
    plain('MobilePhone', 'mobile_phone'),
    plain('LandLine', 'landline'),
    nonNull('Address', 'street'),
    nonNull('PostCode', 'post_code'),
    nonNull('CityName', 'city'),
    nonNull('State', 'state'),
    nonNull('CountryId', 'country', { toCanonical: countryId(countries, 'CountryId'), toWire: numericOf(countries), schema: NUMBER_ID }),
    // Billing information
    nonNull('BillingName', 'billing_name'),
    nonNull('BillingEmail', 'billing_email'),
    plain('BillingAddress', 'billing_street'),
    plain('BillingPostCode', 'billing_post_code'),
    plain('BillingCityName', 'billing_city'),
    plain('BillingState', 'billing_state'),
    nonNull('BillingCountryId', 'billing_country', { toCanonical: countryId(countries, 'BillingCountryId'), toWire: numericOf(countries), schema: NUMBER_ID }),
    nonNull('TaxIDNumber', 'tax_id'),
    // Professional profile
    plain('Position', 'position'),
    nonNull('CompanyName', 'company_name'),
    plain('BusinessArea', 'business_area'),
    plain('ProfileSummary', 'summary'),
    plain('ProfileWebsite', 'website'),
    nonNull('ProfileIsPublic', 'is_public'),
    nonNull('ProfileTags', 'tags', { toCanonical: tags, toWire: (v) => (Array.isArray(v) ? v.join(',') : ''), schema: { type: 'string', description: 'Comma-separated tags: trimmed, empty items dropped, duplicates (case-insensitive) dropped, order kept; at most 50 of at most 50 characters.' } }),
    // Social media
    plain('Twitter', 'twitter'),
    plain('Linkedin', 'linkedin'),
    plain('Github', 'github'),
    plain('Instagram', 'instagram'),
    plain('Facebook', 'facebook'),
    plain('Skype', 'skype'),
    plain('Telegram', 'telegram'),
    // Notification preferences
    nonNull('OnHelpDeskMsg', 'notify_help_desk'),
    nonNull('OnNewWallPost', 'notify_wall_post'),
    nonNull('OnNewBlogComment', 'notify_blog_comment'),
    nonNull('OnNewEventComment', 'notify_event_comment'),
    nonNull('ReceiveCommunityDigest', 'community_digest'),
    nonNull('SignUpToNewsletter', 'newsletter'),
  ];
}

/** The credentials section: handled beside the table, never stored as fields. Issue field → wire name. */
export const PASSWORD_WIRE: Readonly<Record<string, string>> = { current_password: 'OldPassword', new_password: 'NewPassword', repeat_password: 'RepeatNewPassword' };
export const PASSWORD_FIELDS: ReadonlySet<string> = new Set(Object.values(PASSWORD_WIRE));

const WIRE_OF = new Map(coworkerFields().map((w) => [w.field, w.wire]));

/** The wire name of a canonical field (or of a credentials issue), as `Errors[].PropertyName` gives it. */
export const coworkerWireName = (field: string): string => PASSWORD_WIRE[field] ?? WIRE_OF.get(field) ?? field;
