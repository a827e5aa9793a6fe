import type { WireField } from '../mapping.ts';

/** ZITADEL's gender constants ⇄ the canonical enum. */
export const GENDERS: Readonly<Record<string, string>> = {
  GENDER_UNSPECIFIED: 'unspecified',
  GENDER_FEMALE: 'female',
  GENDER_MALE: 'male',
  GENDER_DIVERSE: 'diverse',
};
const TO_WIRE = Object.fromEntries(Object.entries(GENDERS).map(([w, c]) => [c, w]));

/** The auth API v1 profile (`UpdateMyProfileRequest` / `Profile`), wire name ⇄ canonical field. */
export const profileFields: readonly WireField[] = [
  { wire: 'firstName', field: 'given_name', nullable: false, schema: { type: 'string', minLength: 1, maxLength: 200, description: 'Required, non-empty, at most 200 characters.' } },
  { wire: 'lastName', field: 'family_name', nullable: false, schema: { type: 'string', minLength: 1, maxLength: 200, description: 'Required, non-empty, at most 200 characters.' } },
  { wire: 'nickName', field: 'nickname', toWire: (v) => v ?? '', schema: { type: 'string', minLength: 1, maxLength: 200, description: 'Non-empty and at most 200 characters when present; omitted clears it.' } },
  { wire: 'displayName', field: 'display_name', nullable: false, schema: { type: 'string', minLength: 1, maxLength: 200, description: 'Required, non-empty, at most 200 characters.' } },
  { wire: 'preferredLanguage', field: 'preferred_language', toWire: (v) => v ?? '', schema: { type: 'string', maxLength: 10, description: 'A BCP 47 tag, at most 10 characters; omitted or "" clears it.' } },
  {
    wire: 'gender',
    field: 'gender',
    nullable: false,
    toCanonical: (v) => (typeof v === 'string' && GENDERS[v] ? { ok: true, value: GENDERS[v] } : { ok: false, code: 'profile.invalid_choice', message: `gender must be one of ${Object.keys(GENDERS).join(', ')}` }),
    toWire: (v) => TO_WIRE[String(v)] ?? 'GENDER_UNSPECIFIED',
    schema: { type: 'string', enum: Object.keys(GENDERS), default: 'GENDER_UNSPECIFIED' },
  },
];
