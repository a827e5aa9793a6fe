import type { FieldValue } from '@profiled/core';

/**
 * What a summary may be written from: the professional fields only. Email, phones, address,
 * date of birth, billing and tax data never reach a generator (or a prompt).
 */
export interface ProfessionalFacts {
  readonly name: string;
  readonly position: string | null;
  readonly company: string | null;
  readonly businessArea: string | null;
  readonly tags: readonly string[];
  readonly memberType: string | null;
}

const text = (v: FieldValue | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function professionalFacts(values: Readonly<Record<string, FieldValue>>): ProfessionalFacts {
  return {
    name: text(values['display_name']) ?? ([text(values['given_name']), text(values['family_name'])].filter(Boolean).join(' ') || 'This member'),
    position: text(values['position']),
    company: text(values['company_name']),
    businessArea: text(values['business_area']),
    tags: Array.isArray(values['tags']) ? (values['tags'] as string[]).slice(0, 8) : [],
    memberType: text(values['member_type']),
  };
}
