import { withApp } from './app.ts';
import { defineCommand, UsageError } from './command.ts';

const SWITCH = ['on', 'off'] as const;

/** An org's second-factor policy (issue 22). */
export const securityCommands = [
  defineCommand({
    path: ['org', 'set'],
    summary: 'set an organization\'s second-factor policy',
    description: 'With --mfa required, a member without a second factor is led to set one up right after the password at the next sign-in, and the password grant answers mfa_required until they have. Prints the org\'s policy as JSON.',
    options: {
      slug: { type: 'string', value: 'S', required: true, help: 'the org\'s slug' },
      mfa: { type: 'string', value: 'required|optional', help: 'whether members must sign in with a second factor' },
      'new-device-notice': { type: 'string', value: SWITCH.join('|'), help: 'mail a member about a sign-in from a device not seen before (default: on)' },
    },
    async run(o) {
      if (o.mfa !== undefined && o.mfa !== 'required' && o.mfa !== 'optional') throw new UsageError('--mfa must be required or optional');
      const notice = o['new-device-notice'];
      if (notice !== undefined && !(SWITCH as readonly string[]).includes(notice)) throw new UsageError('--new-device-notice must be on or off');
      if (o.mfa === undefined && notice === undefined) throw new UsageError('give --mfa or --new-device-notice');
      return withApp((app) => app.services.mfa.setPolicy({ slug: o.slug }, { mfa: o.mfa, new_device_notice: notice === undefined ? undefined : notice === 'on' }));
    },
  }),
];
