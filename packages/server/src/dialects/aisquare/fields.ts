import type { JsonSchema } from '@profiled/core';
import type { Country } from '../../service/index.ts';
import type { WireField } from '../mapping.ts';
import { addressToWire } from './address.ts';
import { blank, blankAsNull, countryReader, drfBoolean, drfDate, drfString, drfUrl, socialUrl } from './wire-values.ts';

/**
 * Values the view needs beyond the profile's canonical values, looked up per response and
 * handed to the table under these keys (never registry names: those are snake_case).
 */
export const EXTRA = {
  accountCreatedAt: '$account_created_at',
  skillsData: '$skills_data',
  investmentInterestsData: '$investment_interests_data',
  technicalInterestsData: '$technical_interests_data',
  focusAreaIds: '$focus_area_ids',
  focusAreaData: '$focus_area_data',
} as const;

const extra = (key: string) => (_value: unknown, values: Readonly<Record<string, unknown>>) => values[key];

const entryItems = (title: string): JsonSchema => ({
  type: 'array',
  items: {
    type: 'object',
    title,
    properties: { id: { type: 'integer' }, name: { type: 'string' }, description: { type: ['string', 'null'] } },
    required: ['id', 'name'],
  },
});
const idsOrNames = (description: string, nullable = false): JsonSchema => ({
  type: nullable ? ['array', 'null'] : 'array',
  items: { type: ['integer', 'string'] },
  description,
});
const uri = (nullable: boolean, maxLength: number): JsonSchema => ({ type: nullable ? ['string', 'null'] : 'string', format: 'uri', maxLength });

/** `PatchedUserProfileUpdate`'s own properties, and the account facts the view adds beside them. */
export function userFields(): WireField[] {
  return [
    { wire: 'user_id', field: 'account_id', readOnly: true },
    { wire: 'full_name', field: 'display_name', nullable: false, toCanonical: drfString },
    { wire: 'email', field: 'email', readOnly: true, toWire: blank, schema: { type: 'string', format: 'email' } },
    { wire: 'username', field: 'username', nullable: false, toCanonical: drfString },
    { wire: 'created_at', field: 'created_at', readOnly: true, toWire: extra(EXTRA.accountCreatedAt), schema: { type: 'string', format: 'date-time', description: 'When the account was created.' } },
  ];
}

/**
 * `IAMUserDetail` (the nested `details` object), wire name ⇄ canonical field. Requests go
 * through it with DRF's rule for read-only names (ignored, never applied); the view renders
 * through it. `address` and the four vocabulary lists are translated beside the table (see
 * address.ts and the vocabulary service); their lines here render and document them.
 */
export function detailFields(countries: readonly Country[]): WireField[] {
  const social = (wire: string, field: string): WireField => ({ wire, field, toCanonical: blankAsNull(drfUrl), toWire: socialUrl(field), schema: { ...uri(true, 200), description: 'An http(s) URL (a handle written through another dialect is shown as its profile URL); "" or null clears.' } });
  const flag = (wire: string, field: string): WireField => ({ wire, field, toCanonical: drfBoolean, schema: { type: ['boolean', 'null'], description: 'null reads as false.' } });
  return [
    { wire: 'profile_picture', field: 'picture', nullable: false, toCanonical: blankAsNull(drfUrl), toWire: blank, schema: { ...uri(false, 2048), description: 'Picture URL; "" when none (and "" clears it).' } },
    { wire: 'bio', field: 'summary', toCanonical: drfString, toWire: blank },
    { wire: 'address', field: 'street', toWire: (_v, values) => addressToWire(values), schema: { description: 'A string (the street line) or an object {street, post_code, city, state}.' } },
    { wire: 'country', field: 'country', nullable: false, toCanonical: blankAsNull(countryReader(countries)), toWire: blank, schema: { type: 'string', description: 'ISO 3166-1 alpha-2 code; alpha-3 codes and English names are accepted and converted. "" when none.' } },
    { wire: 'phone', field: 'mobile_phone', toCanonical: blankAsNull(), toWire: blank },
    { wire: 'dob', field: 'date_of_birth', toCanonical: blankAsNull(drfDate), toWire: blank, schema: { type: ['string', 'null'], format: 'date', description: 'Date of birth, YYYY-MM-DD; "" when none.' } },
    { wire: 'user_type', field: 'member_type', nullable: false, toCanonical: drfString },
    social('linkedin_url', 'linkedin'),
    social('github_url', 'github'),
    social('twitter_url', 'twitter'),
    social('facebook_url', 'facebook'),
    { wire: 'website_url', field: 'website', toCanonical: blankAsNull(drfUrl), toWire: blank, schema: uri(true, 2048) },
    social('portfolio_url', 'portfolio'),
    { wire: 'skills', field: 'skills', nullable: false, schema: idsOrNames('Skill ids; requests may give ids or names.') },
    { wire: 'investment_interests', field: 'investment_interests', nullable: false, schema: idsOrNames('Investment-interest ids; requests may give ids or names.') },
    { wire: 'technical_interests', field: 'technical_interests', schema: idsOrNames('Technical-interest ids (from the skills vocabulary); requests may give ids or names; null clears.', true) },
    { wire: 'focus_area', field: 'tags', toWire: extra(EXTRA.focusAreaIds), schema: idsOrNames('Focus-area (tag) ids; requests may give tag names (new names become tags) or ids; null clears.', true) },
    { wire: 'resume', field: 'resume', nullable: false, toCanonical: blankAsNull(drfUrl), toWire: blank, schema: { ...uri(false, 2048), description: 'Résumé URL; "" when none (and "" clears it).' } },
    flag('communication_preferences_phone', 'contact_by_phone'),
    flag('communication_preferences_email', 'contact_by_email'),
    flag('platform_features_emails', 'platform_feature_emails'),
    flag('activity_based_emails', 'activity_emails'),
    { wire: 'company_info', field: 'company_info' },
    { wire: 'skills_data', field: 'skills', readOnly: true, toWire: extra(EXTRA.skillsData), schema: entryItems('DeveloperSkill') },
    { wire: 'investment_interests_data', field: 'investment_interests', readOnly: true, toWire: extra(EXTRA.investmentInterestsData), schema: entryItems('InvestmentInterest') },
    { wire: 'technical_interests_data', field: 'technical_interests', readOnly: true, toWire: extra(EXTRA.technicalInterestsData), schema: entryItems('DeveloperSkill') },
    { wire: 'focus_area_data', field: 'tags', readOnly: true, toWire: extra(EXTRA.focusAreaData), schema: { type: 'array', items: { type: 'object', title: 'Tag', properties: { name: { type: 'string' } }, required: ['name'] } } },
    // The seed types it `oneOf: [any, null]`, which null matches twice (so fails): unset reads as {}.
    { wire: 'additional_data', field: 'additional_data', toWire: (v) => v ?? {}, schema: { description: 'Free-form additional data (any JSON, at most 16 KiB and 8 levels deep); {} when unset, and null unsets it.' } },
    { wire: 'followers_count', field: 'followers_count', readOnly: true },
    { wire: 'following_count', field: 'following_count', readOnly: true },
    { wire: 'is_following', field: 'is_following', readOnly: true },
    { wire: 'is_followed_back', field: 'is_followed_back', readOnly: true },
    { wire: 'is_current_user', field: 'is_current_user', readOnly: true },
    { wire: 'top_domain_elo', field: 'top_domain_elo', readOnly: true },
    { wire: 'top_domain_rank', field: 'top_domain_rank', readOnly: true },
    { wire: 'streak', field: 'streak', readOnly: true },
    { wire: 'highest_streak', field: 'highest_streak', readOnly: true },
    { wire: 'streak_freeze_days', field: 'streak_freeze_days', readOnly: true },
    { wire: 'title', field: 'title', readOnly: true },
    { wire: 'unlocked_titles', field: 'unlocked_titles', readOnly: true },
  ];
}

/** The wire names translated beside the table rather than through it. */
export const TRANSLATED_ASIDE = new Set(['address', 'skills', 'investment_interests', 'technical_interests', 'focus_area']);

/** `IAMUserDetailView`: the account's lines, then every detail line, in the seed's order. */
export function viewFields(countries: readonly Country[]): WireField[] {
  const user = userFields();
  const details = detailFields(countries);
  const order = [
    'user_id', 'full_name', 'email', 'username', 'created_at', 'profile_picture', 'bio', 'address', 'country', 'phone', 'dob', 'user_type',
    'linkedin_url', 'github_url', 'twitter_url', 'facebook_url', 'website_url', 'portfolio_url', 'skills', 'investment_interests',
    'technical_interests', 'focus_area', 'resume', 'company_info', 'communication_preferences_phone', 'communication_preferences_email',
    'platform_features_emails', 'activity_based_emails', 'skills_data', 'investment_interests_data', 'technical_interests_data',
    'focus_area_data', 'additional_data', 'followers_count', 'following_count', 'is_following', 'is_followed_back', 'is_current_user',
    'top_domain_elo', 'top_domain_rank', 'streak', 'highest_streak', 'streak_freeze_days', 'title', 'unlocked_titles',
  ];
  const byWire = new Map([...user, ...details].map((w) => [w.wire, w]));
  if (byWire.size !== order.length) throw new Error('aisquare: the view order and the tables disagree');
  return order.map((wire) => byWire.get(wire)!);
}
