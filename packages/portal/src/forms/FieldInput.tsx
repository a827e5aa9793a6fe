import type { Country } from '@profiled/client/nexudus';
import type { ReactNode } from 'react';
import { hintOf, type FormField } from './fields.ts';

export interface FieldInputProps {
  readonly field: FormField;
  readonly value: unknown;
  readonly error: string | undefined;
  readonly countries: readonly Country[];
  onChange(value: unknown): void;
  /** Extra controls under the input (the summary's preview and AI button). */
  readonly children?: ReactNode;
}

const INPUT_TYPE: Partial<Record<string, string>> = { email: 'email', url: 'url', phone: 'tel', date: 'date' };
const AUTOCOMPLETE: Partial<Record<string, string>> = {
  display_name: 'name', nickname: 'nickname', date_of_birth: 'bday', mobile_phone: 'tel', street: 'street-address',
  post_code: 'postal-code', city: 'address-level2', state: 'address-level1', country: 'country', billing_name: 'billing name',
  billing_email: 'billing email', billing_street: 'billing street-address', billing_post_code: 'billing postal-code',
  billing_city: 'billing address-level2', billing_state: 'billing address-level1', billing_country: 'billing country',
  company_name: 'organization', position: 'organization-title', website: 'url',
};

/** One labelled control, its hint and its error, wired together for assistive technology. */
export function FieldInput({ field, value, error, countries, onChange, children }: FieldInputProps) {
  const { meta, wire } = field;
  const id = `field-${wire.wire}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hintId, error ? errorId : ''].filter(Boolean).join(' ');
  const common = { id, name: wire.wire, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, 'data-field': wire.wire } as const;
  const autoComplete = AUTOCOMPLETE[meta.name] ?? 'off';

  let control: ReactNode;
  if (meta.type === 'boolean') {
    return (
      <div className={`field field-check${error ? ' has-error' : ''}`}>
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        <label htmlFor={id}>{meta.label}</label>
        <p id={hintId} className="hint">{hintOf(field)}</p>
        {error && <p id={errorId} className="error" data-error-for={wire.wire}>{error}</p>}
      </div>
    );
  }
  if (meta.type === 'enum') {
    control = (
      <select {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
        {(meta.values ?? []).map((v) => <option key={v} value={v}>{v.charAt(0).toUpperCase() + v.slice(1)}</option>)}
      </select>
    );
  } else if (meta.type === 'country') {
    control = (
      <select {...common} autoComplete={autoComplete} value={value === null || value === undefined ? '' : String(value)} onChange={(e) => onChange(Number(e.target.value))}>
        {/* The contract has no way to clear a country, so "none" is shown but not chosen. */}
        <option value="" disabled>Choose a country</option>
        {countries.map((c) => <option key={c.Id} value={c.Id}>{c.Name}</option>)}
      </select>
    );
  } else if (meta.type === 'text') {
    control = <textarea {...common} rows={8} maxLength={meta.maxLength} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />;
  } else {
    control = (
      <input
        {...common}
        type={INPUT_TYPE[meta.type] ?? 'text'}
        autoComplete={autoComplete}
        maxLength={meta.type === 'string_list' ? undefined : meta.maxLength}
        inputMode={meta.type === 'phone' ? 'tel' : undefined}
        aria-required={meta.minLength ? true : undefined}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{meta.label}</label>
      {control}
      <p id={hintId} className="hint">{hintOf(field)}</p>
      {error && <p id={errorId} className="error" data-error-for={wire.wire}>{error}</p>}
      {children}
    </div>
  );
}
