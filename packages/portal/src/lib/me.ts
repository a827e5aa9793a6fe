import { useEffect, useSyncExternalStore } from 'react';
import { authorisedFetch } from './session.ts';

/** What the header and the photo control show of the signed-in person. */
export interface Me {
  readonly displayName: string;
  readonly picture: string | null;
}

let current: Me | undefined;
let loading: Promise<void> | undefined;
const listeners = new Set<() => void>();

/** Reads the active profile again (after an upload, a removal, a switch of organization). */
export function reloadMe(): Promise<void> {
  loading = authorisedFetch('/v1/me/profile', { headers: { accept: 'application/json' } })
    .then(async (res) => {
      if (!res.ok) return;
      const body = (await res.json()) as { display_name?: string; picture?: string | null };
      current = { displayName: body.display_name ?? '', picture: body.picture ?? null };
      for (const l of listeners) l();
    })
    .catch(() => undefined);
  return loading;
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The signed-in person, read once and shared by every component that asks. */
export function useMe(): Me | undefined {
  const me = useSyncExternalStore(subscribe, () => current);
  useEffect(() => {
    if (!current && !loading) void reloadMe();
  }, []);
  return me;
}
