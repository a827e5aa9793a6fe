import { useEffect, useRef, useState } from 'react';
import { listDevices, signOutDevice, signOutOtherDevices, type Device } from '../../lib/security-api.ts';
import { CLIENT_ID } from '../../lib/session.ts';
import { useToast } from '../../lib/toast.tsx';
import { formatWhen, signInMethod } from './when.ts';

/** The devices signed in on the account (issue 22), each with a Sign out button; the current one is marked. */
export function DevicesSection() {
  const [devices, setDevices] = useState<readonly Device[]>();
  const [error, setError] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  const toast = useToast();

  const reload = () => listDevices().then(setDevices, () => setError('The devices could not be loaded.'));
  useEffect(() => void reload(), []);

  async function end(action: () => Promise<void>, done: string) {
    setError(undefined);
    try {
      await action();
      await reload();
      toast(done);
      // The button pressed is gone: the list's heading keeps the keyboard's place.
      heading.current?.focus();
    } catch {
      setError('The device could not be signed out; try again.');
    }
  }

  const others = devices?.filter((d) => !d.current).length ?? 0;
  return (
    <section className="rules" aria-labelledby="devices-title">
      <h2 id="devices-title" ref={heading} tabIndex={-1}>Signed-in devices</h2>
      {error && <p className="form-error" role="alert">{error}</p>}
      {!devices ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <ul className="devices">
          {devices.map((d) => {
            const name = d.user_agent ?? 'Unknown device';
            return (
              <li key={d.id} data-session={d.id}>
                <p id={`device-${d.id}`}>
                  <strong>{name}</strong>
                  {d.current && <> (this device)</>}
                  <br />
                  <span className="hint">
                    Signed in {formatWhen(d.created_at)} with {signInMethod(d.amr)}
                    {d.client ? ` through ${d.client.id === CLIENT_ID ? 'the member portal' : (d.client.name ?? d.client.id)}` : ''}
                    {d.ip ? `, from ${d.ip}` : ''}; last active {formatWhen(d.last_seen_at)}.
                  </span>
                </p>
                {!d.current && (
                  <button type="button" className="secondary" aria-describedby={`device-${d.id}`} onClick={() => void end(() => signOutDevice(d.id), `${name} was signed out.`)}>
                    Sign out
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {others > 1 && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void end(signOutOtherDevices, 'Every other device was signed out.')}>Sign out every other device</button>
        </div>
      )}
    </section>
  );
}
