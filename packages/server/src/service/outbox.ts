import { randomUUID } from 'node:crypto';
import type { Repos } from '../storage/port.ts';

/** A mail as the outbox keeps it until the sender delivers it. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** What it is about (`email.verify`, `notify.wall_post` …), for `profiled mail list` and tests. */
  readonly kind: string;
}

/** A text message (SMS) as the outbox keeps it until the sender delivers it. */
export interface SmsMessage {
  /** The number in E.164 form (`+447700900123`). */
  readonly to: string;
  readonly text: string;
  /** What it is about (`phone.verify`, `phone.changed_notice`), for `profiled sms list` and tests. */
  readonly kind: string;
}

/** The change events webhooks can subscribe to. */
export const WEBHOOK_EVENTS = ['profile.updated', 'account.password_changed', 'account.email_changed', 'account.deleted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * Queues a mail in the caller's transaction: it is sent if and only if the change commits.
 * The idempotency key becomes its Message-ID, so a repeat after a crash can be recognised.
 */
export async function enqueueMail(tx: Repos, at: string, accountId: string | null, mail: MailMessage): Promise<void> {
  await tx.insertOutbox({ topic: 'mail', account_id: accountId, idempotency_key: `mail_${randomUUID()}`, payload: mail, created_at: at });
}

/** Queues a text message in the caller's transaction, like {@link enqueueMail}; topic `sms`. */
export async function enqueueSms(tx: Repos, at: string, accountId: string | null, sms: SmsMessage): Promise<void> {
  await tx.insertOutbox({ topic: 'sms', account_id: accountId, idempotency_key: `sms_${randomUUID()}`, payload: sms, created_at: at });
}

/**
 * Queues one delivery per enabled endpoint subscribed to `type`, in the caller's transaction.
 * `data` names what changed (ids, field names), never values or secrets.
 */
export async function enqueueWebhookEvent(tx: Repos, at: string, type: WebhookEvent, data: Readonly<Record<string, unknown>>): Promise<void> {
  const endpoints = (await tx.listWebhookEndpoints()).filter((e) => !e.disabled_at && e.events.includes(type));
  for (const endpoint of endpoints) {
    const id = `msg_${randomUUID()}`;
    await tx.insertOutbox({ topic: 'webhook', account_id: null, idempotency_key: id, payload: { endpoint_id: endpoint.id, body: { type, timestamp: at, data } }, created_at: at });
  }
}
