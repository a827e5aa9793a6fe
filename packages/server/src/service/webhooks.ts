import { randomBytes, randomUUID } from 'node:crypto';
import { ProfiledError } from '@profiled/core';
import { WEBHOOK_EVENTS } from './outbox.ts';
import type { ServiceDeps } from './types.ts';

/** A new endpoint secret in the Standard Webhooks form: `whsec_` and base64 key bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Operator operations on change webhooks: endpoints (the secret is shown once, at creation),
 * the delivery log, and replaying a message (queued again with its original `webhook-id`).
 */
export function createWebhookService(deps: ServiceDeps) {
  const { storage, clock } = deps;
  const invalid = (message: string) => new ProfiledError('webhook.invalid_endpoint', { message });

  return {
    async createEndpoint(input: { url: string; events?: readonly string[] }) {
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw invalid('The endpoint URL is not a valid URL.');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('The endpoint URL must be http or https.');
      const events = input.events && input.events.length > 0 ? [...new Set(input.events)] : [...WEBHOOK_EVENTS];
      const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
      if (unknown.length) throw invalid(`Unknown event type ${unknown.join(', ')}; use ${WEBHOOK_EVENTS.join(', ')}.`);
      const row = { id: randomUUID(), url: url.toString(), secret: newWebhookSecret(), events, created_at: clock.now().toISOString(), disabled_at: null };
      await storage.repos.insertWebhookEndpoint(row);
      return row;
    },
    async listEndpoints() {
      return (await storage.repos.listWebhookEndpoints()).map(({ secret: _s, ...e }) => e);
    },
    async deliveries(opts: { endpointId?: string; outboxId?: number; limit?: number } = {}) {
      return storage.repos.listWebhookDeliveries({ ...opts, limit: opts.limit ?? 100 });
    },
    /** The webhook messages in the outbox, newest first (payloads name fields, never values). */
    async messages(limit = 100) {
      return storage.repos.listOutbox({ topic: 'webhook', limit });
    },
    async replay(outboxId: number) {
      const row = await storage.repos.findOutbox(outboxId);
      if (!row || row.topic !== 'webhook') throw new ProfiledError('webhook.not_found', { message: `There is no webhook message ${outboxId}.` });
      await storage.repos.requeueOutbox(outboxId, clock.now().toISOString());
      return { id: outboxId, webhook_id: row.idempotency_key, queued: true };
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
