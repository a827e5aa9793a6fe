import type { AccountRow, Repos } from '../../storage/port.ts';
import { enqueueMail } from '../outbox.ts';

/** The security notices issue 22 mails, each in the transaction of what it reports. */
const NOTICES = {
  factor_added: { subject: 'A second factor was added to your account', lead: 'A second factor was added to your account' },
  factor_removed: { subject: 'A second factor was removed from your account', lead: 'A second factor was removed from your account' },
  recovery_code_used: { subject: 'A recovery code was used to sign in', lead: 'One of your recovery codes was used to sign in to your account' },
  new_device: { subject: 'A sign-in from a new device', lead: 'Your account was signed in to from a device it has not been used from before' },
} as const;
export type SecurityNotice = keyof typeof NOTICES;

/** Queues the notice for the account's address (an account without one gets none). */
export async function queueSecurityNotice(tx: Repos, at: string, account: Pick<AccountRow, 'id' | 'email'>, notice: SecurityNotice, detail = ''): Promise<void> {
  if (!account.email) return;
  const n = NOTICES[notice];
  const text = `${n.lead}${detail ? ` (${detail})` : ''}, at ${at}.\n\nIf this was you, there is nothing to do. If it was not, change your password at once and check the devices signed in on your account's Credentials page.\n`;
  await enqueueMail(tx, at, account.id, { to: account.email, kind: `security.${notice}`, subject: n.subject, text });
}
