import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiProblem, listPasskeys, passkeyOptions, registerPasskey, removePasskey, type Passkey } from '../../lib/security-api.ts';
import { useToast } from '../../lib/toast.tsx';
import { formatWhen } from './when.ts';

type Stage = { readonly name: 'idle' } | { readonly name: 'add' } | { readonly name: 'remove'; readonly passkey: Passkey } | { readonly name: 'codes'; readonly codes: readonly string[] };

/**
 * Passkeys on the Credentials page (issue 22): add one (the current password, a name, then
 * the browser's own passkey dialog through @simplewebauthn/browser), list them, remove one
 * with the password. The first second factor of an account shows its recovery codes once.
 */
export function PasskeysSection({ onChange }: { readonly onChange?: () => void }) {
  const [passkeys, setPasskeys] = useState<readonly Passkey[]>();
  const [stage, setStage] = useState<Stage>({ name: 'idle' });
  const [password, setPassword] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<{ field: 'password' | 'name' | 'form'; message: string }>();
  const [busy, setBusy] = useState(false);
  const region = useRef<HTMLElement>(null);
  const toast = useToast();
  const supported = typeof window !== 'undefined' && 'PublicKeyCredential' in window;

  const reload = () => listPasskeys().then(setPasskeys, () => setPasskeys([]));
  useEffect(() => void reload(), []);
  useEffect(() => {
    if (stage.name !== 'idle') region.current?.querySelector<HTMLElement>('input, [data-focus]')?.focus();
  }, [stage]);
  useEffect(() => {
    if (error) region.current?.querySelector<HTMLElement>(error.field === 'form' ? '.form-error' : '[aria-invalid="true"]')?.focus();
  }, [error]);

  const go = (next: Stage) => {
    setError(undefined);
    setPassword('');
    setLabel('');
    setStage(next);
  };
  async function submit(e: FormEvent, action: () => Promise<void>) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onChange?.();
    } catch (err) {
      if (err instanceof ApiProblem) setError({ field: err.field === 'current_password' ? 'password' : err.field === 'name' ? 'name' : 'form', message: err.message });
      else setError({ field: 'form', message: 'The browser did not create a passkey. Try again.' });
    } finally {
      setBusy(false);
    }
  }
  const add = (e: FormEvent) => submit(e, async () => {
    if (!label.trim()) throw new ApiProblem('Give the passkey a name, such as the device it is on.', 400, 'name');
    const optionsJSON = (await passkeyOptions(password)) as unknown as PublicKeyCredentialCreationOptionsJSON;
    const result = await registerPasskey(label.trim(), await startRegistration({ optionsJSON }));
    await reload();
    if (result.recovery_codes) go({ name: 'codes', codes: result.recovery_codes });
    else go({ name: 'idle' });
    toast(`The passkey "${result.passkey.name}" was added.`);
  });
  const remove = (e: FormEvent, passkey: Passkey) => submit(e, async () => {
    await removePasskey(passkey.id, password);
    await reload();
    go({ name: 'idle' });
    toast(`The passkey "${passkey.name}" was removed.`);
  });

  const field = (id: string, name: 'password' | 'name', labelText: string, value: string, set: (v: string) => void, type: string, autoComplete: string) => (
    <div className={`field${error?.field === name ? ' has-error' : ''}`}>
      <label htmlFor={id}>{labelText}</label>
      <input id={id} type={type} autoComplete={autoComplete} maxLength={name === 'name' ? 100 : 1024} aria-invalid={error?.field === name ? true : undefined} aria-describedby={error?.field === name ? `${id}-error` : undefined} value={value} onChange={(e) => set(e.target.value)} />
      {error?.field === name && <p id={`${id}-error`} className="error">{error.message}</p>}
    </div>
  );

  return (
    <section ref={region} className="rules" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      {error?.field === 'form' && <p className="form-error" role="alert" tabIndex={-1}>{error.message}</p>}
      {!passkeys ? <p aria-busy="true">Loading…</p> : passkeys.length === 0 ? <p>No passkeys yet. A passkey signs you in with your device's screen lock, with or without your password.</p> : (
        <ul className="devices" aria-label="Your passkeys">
          {passkeys.map((p) => (
            <li key={p.id}>
              <p id={`passkey-${p.id}`}><strong>{p.name}</strong><br /><span className="hint">Added {formatWhen(p.created_at)}{p.last_used_at ? `; last used ${formatWhen(p.last_used_at)}` : '; not used yet'}.</span></p>
              {stage.name === 'idle' && <button type="button" className="secondary" aria-describedby={`passkey-${p.id}`} onClick={() => go({ name: 'remove', passkey: p })}>Remove…</button>}
            </li>
          ))}
        </ul>
      )}
      {stage.name === 'add' && (
        <form onSubmit={add} noValidate>
          {field('passkey-name', 'name', 'Name', label, setLabel, 'text', 'off')}
          {field('passkey-password', 'password', 'Current password', password, setPassword, 'password', 'current-password')}
          <div className="actions"><button type="submit" disabled={busy}>Create the passkey</button><button type="button" className="secondary" onClick={() => go({ name: 'idle' })}>Cancel</button></div>
        </form>
      )}
      {stage.name === 'remove' && (
        <form onSubmit={(e) => remove(e, stage.passkey)} noValidate aria-label={`Remove the passkey ${stage.passkey.name}`}>
          {field('passkey-password', 'password', 'Current password', password, setPassword, 'password', 'current-password')}
          <div className="actions"><button type="submit" disabled={busy}>Remove “{stage.passkey.name}”</button><button type="button" className="secondary" onClick={() => go({ name: 'idle' })}>Cancel</button></div>
        </form>
      )}
      {stage.name === 'codes' && (
        <>
          <p tabIndex={-1} data-focus>Your first second factor is on. If you lose your passkeys, each of these recovery codes signs you in once. Save them somewhere safe: they are not shown again.</p>
          <ol className="codes" aria-label="Recovery codes">{stage.codes.map((c) => <li key={c}><code>{c}</code></li>)}</ol>
          <div className="actions"><button type="button" onClick={() => go({ name: 'idle' })}>I have saved them</button></div>
        </>
      )}
      {stage.name === 'idle' && supported && <div className="actions"><button type="button" onClick={() => go({ name: 'add' })}>Add a passkey</button></div>}
      {!supported && <p className="hint">This browser cannot create passkeys.</p>}
    </section>
  );
}
