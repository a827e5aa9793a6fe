import { withApp } from './app.ts';
import { defineCommand, UsageError } from './command.ts';

const KINDS = ['human', 'service', 'admin'] as const;
const USER = '<id|email|username>';

/** Organizations, accounts, extra profiles and the API keys of service accounts. */
export const accountCommands = [
  defineCommand({
    path: ['org', 'create'],
    summary: 'create an organization',
    description: 'Prints the org as JSON with its id; a taken slug is refused (exit 1).',
    options: {
      slug: { type: 'string', value: 'S', required: true, help: 'its unique slug, used by --org and in URLs' },
      name: { type: 'string', value: 'N', required: true, help: 'its display name' },
    },
    run: (o) => withApp((app) => app.services.accounts.createOrg({ slug: o.slug, name: o.name })),
  }),
  defineCommand({
    path: ['user', 'create'],
    summary: 'create an account with its profile',
    description: 'Prints the account as JSON with its id and profile_id, never its password. A service account needs neither email nor password, only --username or --email.',
    options: {
      email: { type: 'string', value: 'E', required: 'conditional', help: 'the sign-in email (optional for --kind service)' },
      password: { type: 'string', value: 'P', required: 'conditional', help: 'checked against the org\'s password policy (none for --kind service)' },
      username: { type: 'string', value: 'U', help: 'the sign-in name (default: the email)' },
      org: { type: 'string', value: 'S', help: 'the slug of the org of its first profile (default: default)' },
      kind: { type: 'string', value: KINDS.join('|'), help: 'the account kind (default: human)' },
      'display-name': { type: 'string', value: 'D', help: 'the profile\'s display name' },
    },
    async run(o) {
      const kind = o.kind ?? 'human';
      if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError('--kind must be human, service or admin');
      if (kind !== 'service' && !o.email) throw new UsageError('missing --email');
      if (kind !== 'service' && !o.password) throw new UsageError('missing --password');
      if (kind === 'service' && !o.email && !o.username) throw new UsageError('a service account needs --username or --email');
      return withApp((app) =>
        app.services.accounts.createAccount({ email: o.email ?? null, password: o.password ?? null, username: o.username ?? null, org: o.org ?? null, kind: kind as (typeof KINDS)[number], displayName: o['display-name'] ?? null }),
      );
    },
  }),
  defineCommand({
    path: ['profile', 'create'],
    summary: 'give an account a profile in another org',
    description: 'Prints the new profile as JSON.',
    options: {
      user: { type: 'string', value: USER, required: true, help: 'the account' },
      org: { type: 'string', value: 'S', required: true, help: 'the slug of the org' },
      'display-name': { type: 'string', value: 'D', help: 'the new profile\'s display name' },
    },
    run: (o) => withApp((app) => app.services.accounts.addProfile(o.user, o.org, o['display-name'] ?? null)),
  }),
  defineCommand({
    path: ['apikey', 'create'],
    summary: 'create an API key for a service account',
    description: 'Prints the key as JSON, "key": "pfd_…" shown this once, only its hash is stored. Sent as Authorization: Bearer <key>.',
    options: {
      user: { type: 'string', value: USER, required: true, help: 'the service account' },
      name: { type: 'string', value: 'N', help: 'a label for the key (default: default)' },
    },
    run: (o) => withApp((app) => app.services.accounts.createApiKey(o.user, o.name ?? 'default')),
  }),
  defineCommand({
    path: ['apikey', 'list'],
    summary: 'list an account\'s API keys (never the keys)',
    options: { user: { type: 'string', value: USER, required: true, help: 'the service account' } },
    run: (o) => withApp((app) => app.services.accounts.listApiKeys(o.user)),
  }),
  defineCommand({
    path: ['apikey', 'revoke'],
    summary: 'revoke an API key',
    description: 'Prints {"id", "revoked": true}; the key stops working at once.',
    options: { id: { type: 'string', value: '<key id>', required: true, help: 'the key\'s id, as apikey list shows it' } },
    run: (o) => withApp((app) => app.services.accounts.revokeApiKey(o.id)),
  }),
];
