import type { CompiledRegistry } from './compile.ts';
import type { FieldDef, Section } from './types.ts';

/** What a form needs to know about a field to render and pre-check it. */
export interface FieldMetadata {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly section: Section;
  readonly type: FieldDef['type'];
  readonly writable: boolean;
  readonly writer: FieldDef['writer'];
  readonly nullable: boolean;
  readonly public: boolean;
  readonly default: FieldDef['default'];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly itemMaxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly values?: readonly string[];
}

/** A page of the member portal: the sections it shows, in order. */
export interface PageMetadata {
  readonly name: string;
  readonly label: string;
  readonly sections: readonly Section[];
}

/**
 * The portal's profile pages (the seed names them: Personal information, Professional
 * profile, Billing information, Notifications, Credentials). Credentials has no stored
 * fields: its password form is described by the org's password rules.
 */
export const PAGES: readonly PageMetadata[] = [
  { name: 'personal', label: 'Personal information', sections: ['personal', 'address'] },
  { name: 'professional', label: 'Professional profile', sections: ['professional', 'social'] },
  { name: 'billing', label: 'Billing information', sections: ['billing'] },
  { name: 'notifications', label: 'Notifications', sections: ['notifications'] },
  { name: 'credentials', label: 'Credentials', sections: [] },
];

export interface ProfileSchemaMetadata {
  readonly pages: readonly PageMetadata[];
  readonly sections: readonly { readonly name: Section; readonly fields: readonly string[] }[];
  readonly fields: readonly FieldMetadata[];
}

/** The registry as data for forms (the portal) and for `GET /v1/profile-schema`. */
export function formMetadata(reg: CompiledRegistry): ProfileSchemaMetadata {
  const fields = reg.readableFields.map((def): FieldMetadata => {
    const meta: Record<string, unknown> = {
      name: def.name,
      label: def.label,
      description: def.description,
      section: def.section,
      type: def.type,
      writable: def.writer === 'self',
      writer: def.writer,
      nullable: def.nullable,
      public: def.public,
      default: def.default,
    };
    for (const key of ['minLength', 'maxLength', 'maxItems', 'itemMaxLength', 'minimum', 'maximum', 'values'] as const) {
      if (def[key] !== undefined) meta[key] = def[key];
    }
    if (def.pattern) meta['pattern'] = def.pattern.source;
    return meta as unknown as FieldMetadata;
  });
  const sections: { name: Section; fields: string[] }[] = [];
  for (const f of fields) {
    let section = sections.find((s) => s.name === f.section);
    if (!section) sections.push((section = { name: f.section, fields: [] }));
    section.fields.push(f.name);
  }
  return { pages: PAGES, sections, fields };
}
