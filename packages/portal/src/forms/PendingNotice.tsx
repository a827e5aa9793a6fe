import type { PendingChange } from '@profiled/client/nexudus';
import { useState, type KeyboardEvent } from 'react';
import { verifyChange } from '../lib/api.ts';
import type { FormField } from './fields.ts';

export interface PendingNoticeProps {
  readonly field: FormField;
  readonly pending: PendingChange;
  /** Called once the code was accepted: the page loads the profile again. */
  onVerified(): void;
}

/**
 * A new value waiting for its code, at its field: what waits, until when, and where to type
 * the code. It sits inside the page's form, so it has no form of its own: Enter in the code
 * box confirms the code instead of saving the page.
 */
export function PendingNotice({ field, pending, onVerified }: PendingNoticeProps) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = `pending-${field.wire.wire}`;
  const until = new Date(pending.ExpiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  async function confirm() {
    if (busy) return;
    if (!/^\d{6}$/.test(code.trim())) {
      setError('Enter the six digits of the code.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await verifyChange(field.meta.name, code.trim());
      onVerified();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The code could not be checked.');
    } finally {
      setBusy(false);
    }
  }
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void confirm();
  };

  return (
    <div className="pending" role="group" aria-labelledby={`${id}-text`} data-pending-for={field.wire.wire}>
      <p id={`${id}-text`}>
        <strong>{pending.Value}</strong> waits for the code we sent to it (good until {until}). Until you enter it, we keep the value above.
      </p>
      <div className="pending-code">
        <label htmlFor={`${id}-code`}>Code</label>
        <input id={`${id}-code`} inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => setCode(e.target.value)} onKeyDown={onKey} />
        <button type="button" className="secondary" disabled={busy} onClick={() => void confirm()}>{busy ? 'Checking…' : 'Confirm'}</button>
      </div>
      {error && <p id={`${id}-error`} className="error" role="alert">{error}</p>}
    </div>
  );
}
