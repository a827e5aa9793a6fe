import { NOTIFICATION_EVENTS } from '../service/notifications.ts';
import { WEBHOOK_EVENTS } from '../service/outbox.ts';
import { withApp } from './app.ts';
import { defineCommand, UsageError } from './command.ts';

/** The account lifecycle an operator drives: erasure, community notifications, change webhooks. */
export const lifecycleCommands = [
  defineCommand({
    path: ['purge'],
    summary: 'erase accounts whose deletion grace period has ended',
    description: [
      'Prints {"dry_run", "grace_days", "accounts"}: each account erased, with "account_id", "deletion_requested_at", "due_at" and "profiles".',
      'With --dry-run nothing changes: "accounts" lists what would be erased now, and "scheduled" each account still in its grace period',
      '(self-deleted, DELETION_GRACE_DAYS) with the "due_at" it falls due; both also show "username" and "email".',
      'The server purges by itself too, every minute.',
    ].join('\n'),
    options: { 'dry-run': { type: 'boolean', help: 'report only: what is due now, and what is scheduled' } },
    run: (o) => withApp((app) => app.services.deletion.purge({ dryRun: o['dry-run'] })),
  }),
  defineCommand({
    path: ['notify'],
    summary: 'mail a community event to the profiles that want it',
    description: `Events: ${Object.keys(NOTIFICATION_EVENTS).join(', ')}; each honours its notification preference. Prints {"event", "queued", "profile_ids"}.`,
    options: {
      event: { type: 'string', value: 'E', required: true, help: 'the kind of event' },
      text: { type: 'string', value: 'T', required: true, help: 'the mail\'s text' },
      subject: { type: 'string', value: 'S', help: 'the mail\'s subject (default: one per event)' },
      profile: { type: 'string', value: 'ID', help: 'only this profile (a reply to its post, say)' },
      org: { type: 'string', value: 'S', help: 'the slug of the org (default: default)' },
    },
    run: (o) => withApp((app) => app.services.notifications.emitInOrg(o.org ?? 'default', { event: o.event, text: o.text, subject: o.subject ?? null, profileId: o.profile ?? null })),
  }),
  defineCommand({
    path: ['webhook', 'create'],
    summary: 'register a change-webhook endpoint (prints its secret once)',
    description: `Prints the endpoint as JSON with its whsec_ secret, shown this once. Events: ${WEBHOOK_EVENTS.join(', ')}.`,
    options: {
      url: { type: 'string', value: 'U', required: true, help: 'the http(s) URL messages are POSTed to' },
      event: { type: 'string', value: 'E', multiple: true, help: 'an event to send (default: every one)' },
    },
    run: (o) => withApp((app) => app.services.webhooks.createEndpoint({ url: o.url, events: o.event })),
  }),
  defineCommand({
    path: ['webhook', 'list'],
    summary: 'the webhook endpoints (without secrets)',
    options: {},
    run: () => withApp((app) => app.services.webhooks.listEndpoints()),
  }),
  defineCommand({
    path: ['webhook', 'messages'],
    summary: 'the webhook messages in the outbox, newest first',
    options: {},
    run: () => withApp((app) => app.services.webhooks.messages()),
  }),
  defineCommand({
    path: ['webhook', 'deliveries'],
    summary: 'the delivery attempts, newest first',
    options: { endpoint: { type: 'string', value: 'ID', help: 'only those to this endpoint' } },
    run: (o) => withApp((app) => app.services.webhooks.deliveries(o.endpoint ? { endpointId: o.endpoint } : {})),
  }),
  defineCommand({
    path: ['webhook', 'replay'],
    summary: 'send a webhook message again (same webhook-id)',
    options: { id: { type: 'string', value: '<outbox id>', required: true, help: 'the message, as webhook messages shows it' } },
    async run(o) {
      const id = Number(o.id);
      if (!Number.isInteger(id) || id < 1) throw new UsageError('--id must be an outbox message id (see webhook messages)');
      return withApp((app) => app.services.webhooks.replay(id));
    },
  }),
];
