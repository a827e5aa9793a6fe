import { useMe } from '../lib/me.ts';
import { Avatar } from './Avatar.tsx';

/** The header's signed-in person: their photo (or initials) and name; the name is hidden visually on a narrow screen. */
export function Me() {
  const me = useMe();
  if (!me) return null;
  return (
    <p className="me" data-testid="me">
      <Avatar name={me.displayName} url={me.picture} size="small" authorised />
      <span className="me-name">{me.displayName}</span>
    </p>
  );
}
