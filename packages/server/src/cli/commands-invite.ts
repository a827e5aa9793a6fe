import { withApp } from './app.ts';
import { defineCommand, UsageError } from './command.ts';

/** `profiled user invite` (issue 19): an account without a password, and a mailed link to set one. */
export const inviteCommands = [
  defineCommand({
    path: ['user', 'invite'],
    summary: 'invite a person: an account without a password, and a mailed link to set one',
    description: [
      'Prints the account as JSON (as user create does) with its "invitation_expires_at" (INVITATION_TTL, 7 days).',
      'The link goes to /account/reset-password on PUBLIC_URL; until the password is set, the account cannot sign in.',
      'With --resend, only --email is read: a new link goes to that invited account, and the old link stops working.',
      'The mail is queued in the database\'s outbox, which the running server sends (SMTP_URL, or MAIL_DIR for profiled mail list), as for profiled notify.',
    ].join('\n'),
    options: {
      email: { type: 'string', value: 'E', required: true, help: 'the address the invitation goes to; also the sign-in email' },
      org: { type: 'string', value: 'S', help: 'the slug of the org of its first profile (default: default)' },
      'display-name': { type: 'string', value: 'D', help: 'the profile\'s display name' },
      username: { type: 'string', value: 'U', help: 'the sign-in name (default: the email)' },
      resend: { type: 'boolean', help: 'mail a new link to an account invited before, voiding the old one' },
    },
    async run(o) {
      if (o.resend && (o.org || o['display-name'] || o.username)) throw new UsageError('--resend takes only --email');
      return withApp((app) =>
        o.resend
          ? app.services.invitations.resend(o.email)
          : app.services.invitations.invite({ email: o.email, org: o.org ?? null, displayName: o['display-name'] ?? null, username: o.username ?? null }),
      );
    },
  }),
];
