import { ProfileForm } from '../../forms/ProfileForm.tsx';

export function PersonalInformationPage() {
  return <ProfileForm page="personal" title="Personal information" />;
}
