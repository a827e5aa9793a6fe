import type { ActionConfirmation, Countries, Country, CoworkerProfile, PendingChange } from '@profiled/client/nexudus';
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { endpoints, httpClient, profileSchema } from '../lib/api.ts';
import { useLeaveGuard } from '../lib/router.tsx';
import { useToast } from '../lib/toast.tsx';
import { fieldsOfPage, sameValue, toControl, toWire, type FormField, type Values } from './fields.ts';
import { FieldInput } from './FieldInput.tsx';
import { PendingNotice } from './PendingNotice.tsx';

interface Loaded {
  readonly fields: FormField[];
  readonly saved: Values;
  readonly countries: readonly Country[];
  /** Values written but waiting for their code, by wire name. */
  readonly pending: Readonly<Record<string, PendingChange>>;
}

async function load(page: string): Promise<Loaded> {
  const [schema, profile, countries] = await Promise.all([
    profileSchema(),
    httpClient.get<CoworkerProfile & Partial<ActionConfirmation> & { PendingChanges?: PendingChange[] }>(endpoints.profile.get),
    httpClient.get<Countries>(endpoints.countries),
  ]);
  if (profile.status !== 200) throw new Error(profile.data.Message ?? `The profile could not be loaded (HTTP ${profile.status}).`);
  const fields = fieldsOfPage(schema, page);
  const saved: Values = {};
  for (const f of fields) saved[f.wire.wire] = toControl(f, (profile.data as unknown as Values)[f.wire.wire]);
  const pending = Object.fromEntries((profile.data.PendingChanges ?? []).map((p) => [p.PropertyName, p]));
  return { fields, saved, countries: countries.data.Countries ?? [], pending };
}

const SECTION_TITLES: Record<string, string> = { personal: 'About you', address: 'Address', billing: 'Invoicing', professional: 'Your work', social: 'Social media', notifications: 'Email notifications' };

/** The fields grouped by their registry section, in order. */
function sectionsOf(fields: readonly FormField[]): [string, FormField[]][] {
  const groups = new Map<string, FormField[]>();
  for (const f of fields) groups.set(f.meta.section, [...(groups.get(f.meta.section) ?? []), f]);
  return [...groups];
}

export interface ProfileFormProps {
  /** The page's name in the registry metadata (`GET /v1/profile-schema` → `pages`). */
  readonly page: string;
  readonly title: string;
  readonly intro?: string;
  /** Extra controls for a field, given its current value and a setter (the summary's tools). */
  readonly extras?: (wire: string, value: unknown, set: (v: unknown) => void) => ReactNode;
}

/**
 * A profile page: its fields from the registry metadata, read and saved through the typed
 * Nexudus client. Only changed fields are sent; each `Errors` entry is shown at its field
 * and the first one gets the focus.
 */
export function ProfileForm({ page, title, intro, extras }: ProfileFormProps) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<string>();
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const toast = useToast();

  useEffect(() => {
    let live = true;
    load(page).then(
      (l) => {
        if (!live) return;
        setLoaded(l);
        setValues(l.saved);
      },
      (err: unknown) => live && setLoadError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [page]);

  const changed = useMemo(() => (loaded ? loaded.fields.filter((f) => !sameValue(f, values[f.wire.wire], loaded.saved[f.wire.wire])) : []), [loaded, values]);
  useLeaveGuard(changed.length > 0);

  useEffect(() => {
    const first = loaded?.fields.find((f) => errors[f.wire.wire]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[data-field="${first.wire.wire}"]`)?.focus();
    else if (formError) formRef.current?.querySelector<HTMLElement>('.form-error')?.focus();
  }, [errors, formError, loaded]);

  if (loadError) return <p className="form-error" role="alert">{loadError}</p>;
  if (!loaded) return <p aria-busy="true">Loading…</p>;

  const set = (wire: string) => (v: unknown) => {
    setValues((old) => ({ ...old, [wire]: v }));
    setErrors(({ [wire]: _gone, ...rest }) => rest);
  };

  async function confirmed(f: FormField) {
    const fresh = await load(page);
    setLoaded(fresh);
    setValues((now) => ({ ...now, [f.wire.wire]: fresh.saved[f.wire.wire] }));
    toast(`${f.meta.label} confirmed.`);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!loaded || saving) return;
    if (changed.length === 0) {
      toast('Nothing to save: no field has changed.', 'info');
      return;
    }
    const body: Values = {};
    for (const f of changed) body[f.wire.wire] = toWire(f, values[f.wire.wire]);
    setSaving(true);
    setFormError(undefined);
    try {
      const { data } = await httpClient.patch<ActionConfirmation>(endpoints.profile.patch, body);
      if (data.WasSuccessful) {
        setErrors({});
        // A new mobile number (or email) is kept back until its code: show what the server kept.
        const fresh = await load(page);
        setLoaded(fresh);
        setValues(fresh.saved);
        const waiting = changed.filter((f) => fresh.pending[f.wire.wire]);
        if (waiting.length === 0) toast(`${title} saved.`);
        else toast(`${title} saved. ${waiting.map((f) => `The new ${f.meta.label.toLowerCase()} applies once you enter the code sent to it.`).join(' ')}`, 'info');
        return;
      }
      const byField: Record<string, string> = {};
      for (const err of data.Errors ?? []) if (err.PropertyName) byField[err.PropertyName] ??= err.Message;
      const known = Object.keys(byField).some((k) => loaded.fields.some((f) => f.wire.wire === k));
      setErrors(byField);
      setFormError(known ? 'Some fields need your attention.' : (data.Message ?? 'The changes could not be saved.'));
    } catch (err) {
      setFormError(err instanceof Error ? err.message : 'The changes could not be saved.');
    } finally {
      setSaving(false);
    }
  }

  return (
    <form ref={formRef} onSubmit={save} noValidate aria-labelledby="page-title">
      {intro && <p className="intro">{intro}</p>}
      {formError && <p className="form-error" role="alert" tabIndex={-1}>{formError}</p>}
      {sectionsOf(loaded.fields).map(([section, fields]) => (
        <fieldset key={section} className="section">
          <legend>{SECTION_TITLES[section] ?? section}</legend>
          {fields.map((f) => (
            <FieldInput key={f.wire.wire} field={f} value={values[f.wire.wire]} error={errors[f.wire.wire]} countries={loaded.countries} onChange={set(f.wire.wire)}>
              {extras?.(f.wire.wire, values[f.wire.wire], set(f.wire.wire))}
              {loaded.pending[f.wire.wire] && <PendingNotice field={f} pending={loaded.pending[f.wire.wire]!} onVerified={() => void confirmed(f)} />}
            </FieldInput>
          ))}
        </fieldset>
      ))}
      <div className="actions">
        <button type="submit" disabled={saving}>{saving ? 'Saving…' : 'Save changes'}</button>
        {changed.length > 0 && <span className="dirty" aria-live="polite">{changed.length} unsaved {changed.length === 1 ? 'change' : 'changes'}</span>}
      </div>
    </form>
  );
}
