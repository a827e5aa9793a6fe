import { ProfiledError } from '@profiled/core';
import type { AccountRow } from '../storage/port.ts';
import { createAccountLinks } from './account-links.ts';
import type { AccountService } from './accounts.ts';
import type { Principal, ServiceDeps } from './types.ts';

export interface InvitationInput {
  readonly email: string;
  /** The org slug of the first profile (default: `default`; an administrator's own). */
  readonly org?: string | null;
  readonly displayName?: string | null;
  readonly username?: string | null;
}

/**
 * Invitations (issue 19): an account created without a password, and a mailed single-use
 * link to the set-password page (`INVITATION_TTL`, 7 days). Until the password is set the
 * account cannot sign in — the password grant and the sign-in page refuse it exactly as
 * they refuse a wrong password. A resend voids the earlier link.
 */
export function createInvitationService(deps: ServiceDeps, accounts: AccountService) {
  const { storage, clock } = deps;
  const links = createAccountLinks(deps);

  /** Queues the link for an account that has no password yet; answers it as `user create` prints an account. */
  async function send(account: AccountRow) {
    if (account.password_hash) throw new ProfiledError('invitation.not_pending');
    if (!account.email || account.status !== 'active' || account.kind === 'service') throw new ProfiledError('account.not_found', { message: 'The account cannot be invited: it has no address, is a service account, or is not active.' });
    const org = await storage.repos.findOrg({ id: account.default_org_id });
    const profile = await storage.repos.findProfileOf(account.id, account.default_org_id);
    const at = clock.now().toISOString();
    const email = account.email;
    const link = await storage.transaction((tx) => links.issue(tx, { ...account, email }, 'invitation', at, org?.name ?? 'Profiled'));
    const { password_hash: _none, deletion_requested_at: _at, ...visible } = account;
    return { ...visible, org: org?.slug ?? null, profile_id: profile?.id ?? null, invitation_expires_at: link.expires_at };
  }

  async function invite(input: InvitationInput) {
    const created = await accounts.createAccount({ email: input.email, username: input.username ?? null, org: input.org ?? null, displayName: input.displayName ?? null, kind: 'human', invited: true });
    const account = await storage.repos.findAccount(created.id);
    if (!account) throw new ProfiledError('account.not_found');
    return send(account);
  }

  async function byEmail(email: string): Promise<AccountRow> {
    const account = await storage.repos.findAccountByLogin(email);
    if (!account || account.email?.toLowerCase() !== email.trim().toLowerCase()) throw new ProfiledError('account.not_found', { message: `There is no account with the email "${email}".` });
    return account;
  }

  function requireInviter(principal: Principal): void {
    if (principal.kind !== 'admin' && principal.kind !== 'service') throw new ProfiledError('auth.forbidden', { message: 'Only administrators and service accounts may invite.' });
  }

  return {
    invite,

    /** A new link for an invited account that has not set its password; the old link stops working. */
    resend: async (email: string) => send(await byEmail(email)),

    /** {@link resend} by an administrator or service account, for an account of its own organization. */
    async resendAsAdmin(principal: Principal, email: string) {
      requireInviter(principal);
      const account = await byEmail(email);
      if (account.default_org_id !== principal.orgId) throw new ProfiledError('account.not_found', { message: `There is no account with the email "${email}" in your organization.` });
      return send(account);
    },

    /** An administrator, or a service account's API key, invites into its own organization. */
    async inviteAsAdmin(principal: Principal, input: InvitationInput) {
      requireInviter(principal);
      const own = await storage.repos.findOrg({ id: principal.orgId });
      if (!own) throw new ProfiledError('org.not_found');
      if (input.org && input.org !== own.slug) throw new ProfiledError('auth.forbidden', { message: 'You can invite into your own organization only.' });
      return invite({ ...input, org: own.slug });
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
