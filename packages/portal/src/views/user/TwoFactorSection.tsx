import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiProblem, confirmTotp, mfaStatus, removeTotp, startTotp, type MfaStatus, type TotpEnrolment } from '../../lib/security-api.ts';
import { useToast } from '../../lib/toast.tsx';
import { formatWhen } from './when.ts';

type Stage =
  | { readonly name: 'idle' }
  | { readonly name: 'password' }
  | { readonly name: 'scan'; readonly enrolment: TotpEnrolment }
  | { readonly name: 'codes'; readonly codes: readonly string[] }
  | { readonly name: 'remove' };

const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/** One labelled input with its hint and error, wired for screen readers. */
function Field(props: { id: string; label: string; type?: string; autoComplete: string; hint?: string; error?: string; value: string; onChange: (v: string) => void; inputMode?: 'numeric' }) {
  const described = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint && <p id={`${props.id}-hint`} className="hint">{props.hint}</p>}
      <input id={props.id} type={props.type ?? 'text'} autoComplete={props.autoComplete} inputMode={props.inputMode} maxLength={1024} spellCheck={false} autoCapitalize="none" aria-describedby={described} aria-invalid={props.error ? true : undefined} value={props.value} onChange={(e) => props.onChange(e.target.value)} />
      {props.error && <p id={`${props.id}-error`} className="error">{props.error}</p>}
    </div>
  );
}

/**
 * Two-step verification on the Credentials page (issue 22): set up an authenticator app with
 * its QR code (drawn by the server, shown as an image) or its key, confirm with a first code,
 * see the recovery codes once; or remove the app with the password and a code.
 */
export function TwoFactorSection() {
  const [status, setStatus] = useState<MfaStatus>();
  const [stage, setStage] = useState<Stage>({ name: 'idle' });
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const region = useRef<HTMLElement>(null);
  const toast = useToast();

  const reload = () => mfaStatus().then(setStatus, () => setStatus({ factors: [], recovery_codes_left: 0, required: false }));
  useEffect(() => void reload(), []);
  // Each stage starts at its first control (or its heading), for keyboard and screen-reader users.
  useEffect(() => {
    if (stage.name === 'idle') return;
    region.current?.querySelector<HTMLElement>('input, [data-focus]')?.focus();
  }, [stage.name]);
  useEffect(() => {
    if (Object.keys(errors).length) region.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const go = (next: Stage) => {
    setErrors({});
    setCode('');
    if (next.name !== 'remove' && next.name !== 'password') setPassword('');
    setStage(next);
  };
  async function run(e: FormEvent, field: string, action: () => Promise<void>) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await action();
    } catch (err) {
      const p = err instanceof ApiProblem ? err : new ApiProblem('Something went wrong; try again.', 0);
      setErrors({ [p.field === 'current_password' ? 'password' : field]: p.message });
    } finally {
      setBusy(false);
    }
  }

  const totp = status?.factors.find((f) => f.kind === 'totp');
  let body: ReactNode;
  if (!status) body = <p aria-busy="true">Loading…</p>;
  else if (stage.name === 'password') {
    body = (
      <form onSubmit={(e) => run(e, 'password', async () => go({ name: 'scan', enrolment: await startTotp(password) }))} noValidate>
        <Field id="mfa-password" label="Current password" type="password" autoComplete="current-password" value={password} onChange={setPassword} error={errors['password']} />
        <div className="actions">
          <button type="submit" disabled={busy}>Continue</button>
          <button type="button" className="secondary" onClick={() => go({ name: 'idle' })}>Cancel</button>
        </div>
      </form>
    );
  } else if (stage.name === 'scan') {
    body = (
      <form onSubmit={(e) => run(e, 'code', async () => { go({ name: 'codes', codes: (await confirmTotp(code.trim())).recovery_codes }); await reload(); })} noValidate>
        <p>Scan this QR code with an authenticator app (such as Aegis, FreeOTP or Google Authenticator), or type the key into it.</p>
        <img className="qr" width={200} height={200} alt="QR code of the set-up key shown below" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(stage.enrolment.qr_svg)}`} />
        <p>Key: <code data-testid="totp-secret">{grouped(stage.enrolment.secret)}</code></p>
        <Field id="mfa-code" label="First code" inputMode="numeric" autoComplete="one-time-code" hint="The six-digit code the app shows once the key is added." value={code} onChange={setCode} error={errors['code']} />
        <div className="actions">
          <button type="submit" disabled={busy}>Turn on</button>
          <button type="button" className="secondary" onClick={() => go({ name: 'idle' })}>Cancel</button>
        </div>
      </form>
    );
  } else if (stage.name === 'codes') {
    body = (
      <>
        <p tabIndex={-1} data-focus>Two-step verification is on. If you lose your authenticator app, each of these recovery codes signs you in once. Save them somewhere safe: they are not shown again.</p>
        <ol className="codes" aria-label="Recovery codes">{stage.codes.map((c) => <li key={c}><code>{c}</code></li>)}</ol>
        <div className="actions"><button type="button" onClick={() => { go({ name: 'idle' }); toast('Two-step verification is on.'); }}>I have saved them</button></div>
      </>
    );
  } else if (stage.name === 'remove') {
    body = (
      <form onSubmit={(e) => run(e, 'code', async () => { await removeTotp(password, code.trim()); go({ name: 'idle' }); await reload(); toast('The authenticator app was removed.'); })} noValidate>
        <Field id="mfa-password" label="Current password" type="password" autoComplete="current-password" value={password} onChange={setPassword} error={errors['password']} />
        <Field id="mfa-code" label="Code" autoComplete="one-time-code" hint="A code of the app, or one of your recovery codes." value={code} onChange={setCode} error={errors['code']} />
        <div className="actions">
          <button type="submit" disabled={busy}>Remove the authenticator app</button>
          <button type="button" className="secondary" onClick={() => go({ name: 'idle' })}>Cancel</button>
        </div>
      </form>
    );
  } else if (totp) {
    body = (
      <>
        <p>On: an authenticator app since {formatWhen(totp.created_at)}{totp.last_used_at ? `, last used ${formatWhen(totp.last_used_at)}` : ''}. {status.recovery_codes_left} recovery code{status.recovery_codes_left === 1 ? '' : 's'} left.</p>
        <div className="actions"><button type="button" className="secondary" onClick={() => go({ name: 'remove' })}>Remove the authenticator app…</button></div>
      </>
    );
  } else {
    body = (
      <>
        <p>Off. {status.required ? 'Your organization requires it: set it up now, or you will be asked to at your next sign-in.' : 'With it on, a sign-in needs a code from your phone as well as your password.'}</p>
        <div className="actions"><button type="button" onClick={() => go({ name: 'password' })}>Set up an authenticator app</button></div>
      </>
    );
  }

  return (
    <section ref={region} className="rules" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-step verification</h2>
      {body}
    </section>
  );
}
