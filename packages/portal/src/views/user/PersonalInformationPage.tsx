import { ProfileForm } from '../../forms/ProfileForm.tsx';
import { PhotoControl } from './PhotoControl.tsx';

export function PersonalInformationPage() {
  return (
    <>
      <PhotoControl />
      <ProfileForm page="personal" title="Personal information" />
    </>
  );
}
