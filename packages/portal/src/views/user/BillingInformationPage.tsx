import { ProfileForm } from '../../forms/ProfileForm.tsx';

export function BillingInformationPage() {
  return <ProfileForm page="billing" title="Billing information" intro="What appears on your invoices." />;
}
