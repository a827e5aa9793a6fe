import type { ActionConfirmation, CoworkerProfiles } from '@profiled/client/nexudus';
import { useEffect, useState } from 'react';
import { endpoints, httpClient } from '../lib/api.ts';
import { adoptAccessToken } from '../lib/session.ts';
import { useToast } from '../lib/toast.tsx';

/** Shown only when the account has a profile in more than one organization. */
export function ProfileSwitcher({ onSwitched }: { onSwitched(): void }) {
  const [profiles, setProfiles] = useState<CoworkerProfiles['Profiles']>([]);
  const toast = useToast();
  useEffect(() => {
    httpClient.get<CoworkerProfiles>(endpoints.profiles.list).then((r) => r.status === 200 && setProfiles(r.data.Profiles), () => {});
  }, []);
  if (profiles.length < 2) return null;
  const active = profiles.find((p) => p.IsActive);

  async function choose(id: string) {
    const { data } = await httpClient.post<ActionConfirmation>(endpoints.profiles.switch(id));
    if (!data.WasSuccessful || !data.Value) return toast(data.Message ?? 'The profile could not be switched.', 'error');
    // The answer is the new access token; the session (and its refresh cookie) follows the switch.
    adoptAccessToken(data.Value);
    setProfiles((list) => list.map((p) => ({ ...p, IsActive: String(p.Id) === id })));
    toast(`Now using your profile at ${profiles.find((p) => String(p.Id) === id)?.BusinessName ?? 'the other organization'}.`, 'info');
    onSwitched();
  }

  return (
    <div className="switcher">
      <label htmlFor="profile-switcher">Organization</label>
      <select id="profile-switcher" value={active ? String(active.Id) : ''} onChange={(e) => void choose(e.target.value)}>
        {profiles.map((p) => <option key={p.Id} value={String(p.Id)}>{p.BusinessName}</option>)}
      </select>
    </div>
  );
}
