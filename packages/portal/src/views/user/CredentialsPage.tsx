import { coworkerPasswordFields, type ActionConfirmation } from '@profiled/client/nexudus';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { endpoints, httpClient, passwordRules, type PasswordRules } from '../../lib/api.ts';
import { useLeaveGuard } from '../../lib/router.tsx';
import { useToast } from '../../lib/toast.tsx';
import { DevicesSection } from './DevicesSection.tsx';
import { PasskeysSection } from './PasskeysSection.tsx';
import { TwoFactorSection } from './TwoFactorSection.tsx';

const FIELDS = [
  { wire: coworkerPasswordFields.current_password, label: 'Current password', autoComplete: 'current-password' },
  { wire: coworkerPasswordFields.new_password, label: 'New password', autoComplete: 'new-password' },
  { wire: coworkerPasswordFields.repeat_password, label: 'Repeat the new password', autoComplete: 'new-password' },
] as const;

const EMPTY = Object.fromEntries(FIELDS.map((f) => [f.wire, ''])) as Record<string, string>;

/** Credentials: the password, two-step verification, and the devices signed in (issue 22). */
export function CredentialsPage() {
  return (
    <div className="credentials">
      <PasswordForm />
      <TwoFactorSection />
      <PasskeysSection />
      <DevicesSection />
    </div>
  );
}

/** The password change, through the same Nexudus PATCH; the organization's rules shown first. */
function PasswordForm() {
  const [rules, setRules] = useState<PasswordRules>();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const toast = useToast();
  useLeaveGuard(Object.values(values).some(Boolean));

  useEffect(() => {
    passwordRules().then(setRules, () => setRules({ policy: { min_length: 8, max_length: 128, min_score: 2 }, rules: [] }));
  }, []);
  useEffect(() => {
    const first = FIELDS.find((f) => errors[f.wire]);
    if (first) formRef.current?.querySelector<HTMLElement>(`#field-${first.wire}`)?.focus();
    else if (formError) formRef.current?.querySelector<HTMLElement>('.form-error')?.focus();
  }, [errors, formError]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setFormError(undefined);
    try {
      const { data } = await httpClient.patch<ActionConfirmation>(endpoints.profile.patch, values);
      if (data.WasSuccessful) {
        setValues(EMPTY);
        setErrors({});
        toast('Password changed. Your other sessions have been signed out.');
        return;
      }
      const byField: Record<string, string> = {};
      for (const err of data.Errors ?? []) if (err.PropertyName) byField[err.PropertyName] ??= err.Message;
      setErrors(byField);
      setFormError(Object.keys(byField).length ? 'The password was not changed.' : (data.Message ?? 'The password was not changed.'));
    } catch {
      setFormError('The password was not changed.');
    } finally {
      setSaving(false);
    }
  }

  return (
    <form ref={formRef} onSubmit={save} noValidate aria-labelledby="page-title">
      <section className="rules" aria-labelledby="rules-title">
        <h2 id="rules-title">Password rules</h2>
        {rules ? (
          <ul id="password-rules">{rules.rules.map((r) => <li key={r}>{r}</li>)}</ul>
        ) : (
          <p aria-busy="true">Loading the rules…</p>
        )}
      </section>
      {formError && <p className="form-error" role="alert" tabIndex={-1}>{formError}</p>}
      {FIELDS.map((f) => {
        const id = `field-${f.wire}`;
        const error = errors[f.wire];
        return (
          <div key={f.wire} className={`field${error ? ' has-error' : ''}`}>
            <label htmlFor={id}>{f.label}</label>
            <input
              id={id}
              name={f.wire}
              type="password"
              autoComplete={f.autoComplete}
              maxLength={rules?.policy.max_length ?? 1024}
              aria-describedby={[f.wire === coworkerPasswordFields.new_password ? 'password-rules' : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
              aria-invalid={error ? true : undefined}
              value={values[f.wire]}
              onChange={(e) => {
                const v = e.target.value;
                setValues((old) => ({ ...old, [f.wire]: v }));
                setErrors(({ [f.wire]: _gone, ...rest }) => rest);
              }}
            />
            {error && <p id={`${id}-error`} className="error" data-error-for={f.wire}>{error}</p>}
          </div>
        );
      })}
      <div className="actions">
        <button type="submit" disabled={saving}>{saving ? 'Changing…' : 'Change password'}</button>
      </div>
      <p className="hint"><a href="/account/forgot-password">Forgot your password?</a> We mail you a link to set a new one.</p>
    </form>
  );
}
