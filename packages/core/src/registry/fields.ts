import { field } from './define.ts';
import { toE164 } from './phone.ts';
import type { FieldDef, Registry } from './types.ts';

/**
 * Every canonical profile field, declared once. The order is the order of the docs and
 * of the portal's forms. Wire names live only in the dialects' mapping tables.
 * @see ../../../../README.md#the-field-registry
 */

const NAME = { type: 'string', maxLength: 200 } as const;
const ADDRESS_PART = { type: 'string', maxLength: 200 } as const;
const SOCIAL = { section: 'social', type: 'social', maxLength: 200, nullable: true, public: true } as const;
const NOTIFY = { section: 'notifications', type: 'boolean' } as const;
const STANDING = { section: 'standing', writer: 'admin', public: true } as const;
const NETWORK = { section: 'network', writer: 'computed', public: true } as const;

const system: FieldDef[] = [
  field({ name: 'id', section: 'system', type: 'id', writer: 'computed', system: true, public: true, description: 'Profile identifier.' }),
  field({ name: 'account_id', section: 'system', owner: 'account', type: 'id', writer: 'computed', system: true, description: 'Identifier of the account (login identity) the profile belongs to.' }),
  field({ name: 'org_id', section: 'system', type: 'id', writer: 'computed', system: true, description: 'Identifier of the organization the profile belongs to.' }),
  field({ name: 'version', section: 'system', type: 'integer', writer: 'computed', system: true, minimum: 1, description: 'Version of the profile; increases with every change (the ETag).' }),
  field({ name: 'created_at', section: 'system', type: 'datetime', writer: 'computed', system: true, description: 'When the profile was created.' }),
  field({ name: 'updated_at', section: 'system', type: 'datetime', writer: 'computed', system: true, description: 'When the profile last changed.' }),
];

const account: FieldDef[] = [
  field({ name: 'username', section: 'account', owner: 'account', type: 'username', minLength: 1, maxLength: 150, unique: true, pattern: /^[A-Za-z0-9@.+_-]+$/, patternHint: 'letters, digits and @ . + - _ only', description: 'Login name: 150 characters or fewer, letters, digits and @/./+/-/_ only.' }),
  field({ name: 'email', section: 'account', owner: 'account', type: 'email', maxLength: 254, nullable: true, unique: true, description: 'Login email address.' }),
  field({ name: 'kind', section: 'account', owner: 'account', type: 'enum', values: ['human', 'service', 'admin'], writer: 'admin', default: 'human', description: 'Kind of account: a person, a service account or an administrator.' }),
];

const personal: FieldDef[] = [
  field({ name: 'given_name', section: 'personal', ...NAME, description: 'Given (first) name.' }),
  field({ name: 'family_name', section: 'personal', ...NAME, description: 'Family (last) name.' }),
  field({ name: 'display_name', searchable: true, section: 'personal', ...NAME, public: true, description: 'The name shown to others.' }),
  field({ name: 'nickname', section: 'personal', ...NAME, nullable: true, description: 'Optional informal name used in some community contexts.' }),
  field({ name: 'gender', section: 'personal', type: 'enum', values: ['unspecified', 'female', 'male', 'diverse'], default: 'unspecified', description: 'Gender, used for salutations.' }),
  field({ name: 'date_of_birth', label: 'Date of birth', section: 'personal', type: 'date', nullable: true, description: 'Date of birth (ISO 8601, in the past).' }),
  field({ name: 'preferred_language', section: 'personal', type: 'language', maxLength: 10, nullable: true, description: 'Preferred language as a BCP 47 tag, e.g. "en" or "pt-BR".' }),
  field({ name: 'mobile_phone', section: 'personal', type: 'phone', maxLength: 40, nullable: true, description: 'Mobile phone number, in any common format.' }),
  field({ name: 'landline', section: 'personal', type: 'phone', maxLength: 40, nullable: true, description: 'Landline phone number.' }),
  field({ name: 'mobile_phone_e164', label: 'Mobile phone (E.164)', section: 'personal', type: 'string', writer: 'computed', nullable: true, derivedFrom: ['mobile_phone', 'country'], derive: (v) => toE164(v['mobile_phone'], v['country']), description: 'The mobile number in E.164 form, when it can be parsed (with the profile\'s country as the default region).' }),
  field({ name: 'landline_e164', label: 'Landline (E.164)', section: 'personal', type: 'string', writer: 'computed', nullable: true, derivedFrom: ['landline', 'country'], derive: (v) => toE164(v['landline'], v['country']), description: 'The landline number in E.164 form, when it can be parsed (with the profile\'s country as the default region).' }),
];

const address: FieldDef[] = [
  field({ name: 'street', section: 'address', ...ADDRESS_PART, description: 'Street address.' }),
  field({ name: 'post_code', section: 'address', ...ADDRESS_PART, description: 'Postal or ZIP code.' }),
  field({ name: 'city', section: 'address', ...ADDRESS_PART, description: 'City.' }),
  field({ name: 'state', section: 'address', ...ADDRESS_PART, description: 'State or region.' }),
  field({ name: 'country', section: 'address', type: 'country', nullable: true, description: 'Country, as an ISO 3166-1 alpha-2 code.' }),
];

const billing: FieldDef[] = [
  field({ name: 'billing_name', section: 'billing', ...NAME, description: 'Name to appear on invoices.' }),
  field({ name: 'billing_email', section: 'billing', type: 'email', maxLength: 254, description: 'Email address for invoice delivery (empty for none).' }),
  field({ name: 'billing_street', section: 'billing', ...ADDRESS_PART, nullable: true, description: 'Billing street address.' }),
  field({ name: 'billing_post_code', section: 'billing', ...ADDRESS_PART, nullable: true, description: 'Billing postal code.' }),
  field({ name: 'billing_city', section: 'billing', ...ADDRESS_PART, nullable: true, description: 'Billing city.' }),
  field({ name: 'billing_state', section: 'billing', ...ADDRESS_PART, nullable: true, description: 'Billing state or region.' }),
  field({ name: 'billing_country', section: 'billing', type: 'country', nullable: true, description: 'Billing country, as an ISO 3166-1 alpha-2 code.' }),
  field({ name: 'tax_id', label: 'Tax ID', section: 'billing', type: 'string', maxLength: 50, description: 'VAT or tax identification number printed on invoices.' }),
];

const professional: FieldDef[] = [
  field({ name: 'position', searchable: true, section: 'professional', ...NAME, nullable: true, public: true, description: 'Job title.' }),
  field({ name: 'company_name', searchable: true, section: 'professional', ...NAME, public: true, description: 'Company name.' }),
  field({ name: 'business_area', searchable: true, section: 'professional', ...NAME, nullable: true, public: true, description: 'Industry or area of work.' }),
  field({ name: 'summary', searchable: true, section: 'professional', type: 'text', maxLength: 10_000, nullable: true, public: true, description: 'Professional bio in Markdown; rendered sanitized.' }),
  field({ name: 'website', section: 'professional', type: 'url', maxLength: 2048, nullable: true, public: true, description: 'Personal or company website (http or https URL).' }),
  field({ name: 'is_public', label: 'Listed in the directory', section: 'professional', type: 'boolean', description: 'When true, the profile is listed in the member directory.' }),
  field({ name: 'tags', searchable: true, section: 'professional', type: 'string_list', maxItems: 50, itemMaxLength: 50, public: true, description: 'Skill or interest tags (at most 50, each at most 50 characters).' }),
  field({ name: 'picture', section: 'professional', type: 'url', maxLength: 2048, nullable: true, public: true, description: 'Profile picture URL: set by uploading a photo (the URL of its 256 px JPEG, kept here), or a picture elsewhere.' }),
  field({ name: 'resume', label: 'Résumé', section: 'professional', type: 'url', maxLength: 2048, nullable: true, description: 'Résumé (CV) URL: set by uploading a PDF (kept here), or a document elsewhere.' }),
];

const social: FieldDef[] = [
  field({ name: 'twitter', ...SOCIAL, description: 'Twitter / X profile URL or handle.' }),
  field({ name: 'linkedin', label: 'LinkedIn', ...SOCIAL, description: 'LinkedIn profile URL or handle.' }),
  field({ name: 'github', label: 'GitHub', ...SOCIAL, description: 'GitHub profile URL or username.' }),
  field({ name: 'instagram', ...SOCIAL, description: 'Instagram profile URL or handle.' }),
  field({ name: 'facebook', ...SOCIAL, description: 'Facebook profile URL or handle.' }),
  field({ name: 'skype', ...SOCIAL, public: false, description: 'Skype username.' }),
  field({ name: 'telegram', ...SOCIAL, description: 'Telegram username.' }),
  field({ name: 'portfolio', ...SOCIAL, description: 'Portfolio URL.' }),
];

const notifications: FieldDef[] = [
  field({ name: 'notify_help_desk', label: 'Help desk replies', ...NOTIFY, default: true, description: 'Email me when a help desk message gets a reply.' }),
  field({ name: 'notify_wall_post', label: 'New wall posts', ...NOTIFY, description: 'Email me about new community board posts.' }),
  field({ name: 'notify_blog_comment', label: 'Blog comments', ...NOTIFY, description: 'Email me about new blog comments.' }),
  field({ name: 'notify_event_comment', label: 'Event comments', ...NOTIFY, description: 'Email me about new event comments.' }),
  field({ name: 'community_digest', label: 'Community digest', ...NOTIFY, description: 'Send me a periodic community activity digest.' }),
  field({ name: 'newsletter', label: 'Newsletter', ...NOTIFY, description: 'Subscribe me to the newsletter.' }),
  field({ name: 'contact_by_phone', label: 'Contact by phone', ...NOTIFY, description: 'I agree to be contacted by phone.' }),
  field({ name: 'contact_by_email', label: 'Contact by email', ...NOTIFY, description: 'I agree to be contacted by email.' }),
  field({ name: 'platform_feature_emails', label: 'Platform feature emails', ...NOTIFY, description: 'Email me about new platform features.' }),
  field({ name: 'activity_emails', label: 'Activity emails', ...NOTIFY, description: 'Email me about activity that concerns me.' }),
];

const developer: FieldDef[] = [
  field({ name: 'member_type', section: 'developer', type: 'string', maxLength: 50, public: true, description: 'Kind of member, e.g. "developer" or "investor".' }),
  field({ name: 'skills', section: 'developer', type: 'id_list', maxItems: 100, public: true, description: 'Identifiers of the skills vocabulary entries the person has.' }),
  field({ name: 'investment_interests', section: 'developer', type: 'id_list', maxItems: 100, public: true, description: 'Identifiers of investment-interest vocabulary entries.' }),
  field({ name: 'technical_interests', section: 'developer', type: 'id_list', maxItems: 100, public: true, description: 'Identifiers of technical-interest (skills vocabulary) entries.' }),
  field({ name: 'company_info', section: 'developer', type: 'json', nullable: true, maxBytes: 16_384, maxDepth: 8, description: 'Free-form company information (any JSON, at most 16 KiB and 8 levels deep).' }),
  field({ name: 'additional_data', section: 'developer', type: 'json', nullable: true, maxBytes: 16_384, maxDepth: 8, description: 'Free-form additional data (any JSON, at most 16 KiB and 8 levels deep).' }),
];

const standing: FieldDef[] = [
  field({ name: 'top_domain_elo', label: 'Top domain Elo', ...STANDING, type: 'number', minimum: 0, maximum: 10_000, description: 'Elo rating in the person\'s strongest domain (admin-set).' }),
  field({ name: 'top_domain_rank', ...STANDING, type: 'integer', minimum: 0, maximum: 100_000_000, description: 'Rank in the person\'s strongest domain (admin-set; 0 = unranked).' }),
  field({ name: 'streak', ...STANDING, type: 'string', maxLength: 50, default: '0', description: 'Current activity streak (admin-set).' }),
  field({ name: 'highest_streak', ...STANDING, type: 'string', maxLength: 50, default: '0', description: 'Longest activity streak (admin-set).' }),
  field({ name: 'streak_freeze_days', ...STANDING, type: 'string', maxLength: 50, default: '0', description: 'Streak freeze days available (admin-set).' }),
  field({ name: 'title', ...STANDING, type: 'string', maxLength: 100, description: 'Current title earned (admin-set).' }),
  field({ name: 'unlocked_titles', ...STANDING, type: 'string', maxLength: 2000, description: 'Titles unlocked so far (admin-set).' }),
];

const network: FieldDef[] = [
  field({ name: 'followers_count', ...NETWORK, type: 'integer', description: 'How many profiles follow this one.' }),
  field({ name: 'following_count', ...NETWORK, type: 'integer', description: 'How many profiles this one follows.' }),
  field({ name: 'is_following', ...NETWORK, type: 'boolean', description: 'Whether the viewer follows this profile.' }),
  field({ name: 'is_followed_back', ...NETWORK, type: 'boolean', description: 'Whether this profile follows the viewer.' }),
  field({ name: 'is_current_user', ...NETWORK, type: 'boolean', description: 'Whether this profile is the viewer\'s own.' }),
];

/** The registry Profiled ships with. */
export const registry: Registry = Object.freeze([
  ...system,
  ...account,
  ...personal,
  ...address,
  ...billing,
  ...professional,
  ...social,
  ...notifications,
  ...developer,
  ...standing,
  ...network,
]);
