import { ProfileForm } from '../../forms/ProfileForm.tsx';

export function NotificationsPage() {
  return <ProfileForm page="notifications" title="Notifications" intro="Choose which emails you receive." />;
}
