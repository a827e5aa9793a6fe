import type { FieldDef } from './types.ts';

type Init = Omit<FieldDef, 'owner' | 'writer' | 'nullable' | 'public' | 'default' | 'label'> &
  Partial<Pick<FieldDef, 'owner' | 'writer' | 'nullable' | 'public' | 'default' | 'label'>>;

/**
 * Declares a field with the registry's defaults spelled out once: stored on the profile,
 * written by the person, not nullable, private. A non-nullable field without an explicit
 * default starts as the empty value of its type.
 */
export function field(init: Init): FieldDef {
  const nullable = init.nullable ?? false;
  const def: FieldDef = {
    owner: 'profile',
    writer: 'self',
    public: false,
    label: humanise(init.name),
    ...init,
    nullable,
    default: init.default !== undefined ? init.default : nullable ? null : emptyOf(init.type),
  };
  return Object.freeze(def);
}

function emptyOf(type: FieldDef['type']): FieldDef['default'] {
  switch (type) {
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return 0;
    case 'string_list':
    case 'id_list':
      return [];
    case 'json':
      return null;
    default:
      return '';
  }
}

function humanise(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
