import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../service/index.ts';
import type { MailMessage, SmsMessage } from '../service/outbox.ts';
import type { OutboxRow, Storage } from '../storage/port.ts';
import type { MailTransport } from './mail.ts';
import type { SmsTransport } from './sms.ts';
import { postWebhook } from './webhooks.ts';

export interface OutboxSettings {
  readonly outboxPollMs: number;
  readonly outboxLeaseMs: number;
  readonly outboxRetryBaseMs: number;
  readonly outboxMaxAttempts: number;
  readonly webhookTimeoutMs: number;
}

export interface OutboxWorker {
  start(): void;
  /** Waits for the pass in flight, then stops polling. */
  stop(): Promise<void>;
  /** One pass now: claims what is due and delivers it; answers how many were settled. */
  drain(): Promise<number>;
}

const BATCH = 20;
const MAX_BACKOFF_MS = 3_600_000;

/**
 * The outbox sender, inside the server process: every `outboxPollMs` it leases due messages
 * (a lease column set by one conditional UPDATE, so two servers on one PostgreSQL never take
 * the same row) and delivers them — mail through the transport, webhooks signed to their
 * endpoint. A failure is retried with exponential back-off up to `outboxMaxAttempts`. A
 * process that dies after sending and before settling loses its lease, and the message goes
 * again with the same idempotency key: delivery is at least once, and receivers can drop the
 * repeat by Message-ID or `webhook-id`. `periodic` tasks (the purge) ride on the same timer.
 */
export function createOutboxWorker(deps: {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  mail: MailTransport;
  sms: SmsTransport;
  settings: OutboxSettings;
  periodic?: readonly { everyMs: number; run: () => Promise<unknown> }[];
}): OutboxWorker {
  const { storage, clock, logger, mail, sms, settings } = deps;
  const owner = randomUUID();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  const lastRun = new Map<number, number>();

  async function deliver(row: OutboxRow): Promise<{ ok: true; payload?: unknown } | { ok: false; error: string }> {
    if (row.topic === 'mail') {
      const message = row.payload as MailMessage;
      await mail.send(message, row.idempotency_key);
      // The body may hold a one-time code: once sent, only who, what and when are kept.
      return { ok: true, payload: { to: message.to, subject: message.subject, kind: message.kind } };
    }
    if (row.topic === 'sms') {
      const message = row.payload as SmsMessage;
      await sms.send(message, row.idempotency_key);
      return { ok: true, payload: { to: message.to, kind: message.kind } };
    }
    if (row.topic === 'webhook') {
      const { endpoint_id, body } = row.payload as { endpoint_id: string; body: unknown };
      const endpoint = await storage.repos.findWebhookEndpoint(endpoint_id);
      if (!endpoint || endpoint.disabled_at) return { ok: false, error: 'endpoint removed or disabled' };
      const result = await postWebhook(endpoint.url, endpoint.secret, row.idempotency_key, JSON.stringify(body), settings.webhookTimeoutMs, clock.now().getTime());
      await storage.repos.insertWebhookDelivery({ outbox_id: row.id, endpoint_id, attempt: row.attempts + 1, at: clock.now().toISOString(), status_code: result.statusCode, error: result.error, duration_ms: result.durationMs });
      return result.error === null ? { ok: true } : { ok: false, error: result.error };
    }
    return { ok: false, error: `unknown topic ${row.topic}` };
  }

  async function pass(): Promise<number> {
    const now = clock.now();
    const rows = await storage.repos.claimOutbox(owner, now.toISOString(), new Date(now.getTime() + settings.outboxLeaseMs).toISOString(), BATCH);
    let settled = 0;
    for (const row of rows) {
      let outcome: Awaited<ReturnType<typeof deliver>>;
      try {
        outcome = await deliver(row);
      } catch (err) {
        outcome = { ok: false, error: (err as Error).message ?? String(err) };
      }
      const at = clock.now();
      if (outcome.ok) {
        if (await storage.repos.settleOutbox(row.id, owner, { sent_at: at.toISOString(), ...(outcome.payload !== undefined ? { payload: outcome.payload } : {}) })) settled++;
        continue;
      }
      const attempts = row.attempts + 1;
      const gaveUp = attempts >= settings.outboxMaxAttempts;
      const delay = Math.min(settings.outboxRetryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
      logger.warn({ outbox: { id: row.id, topic: row.topic, attempts, gave_up: gaveUp }, reason: outcome.error }, 'outbox delivery failed');
      if (await storage.repos.settleOutbox(row.id, owner, { error: outcome.error, next_attempt_at: new Date(at.getTime() + delay).toISOString(), failed_at: gaveUp ? at.toISOString() : null })) settled++;
    }
    for (const [i, task] of (deps.periodic ?? []).entries()) {
      if (clock.now().getTime() - (lastRun.get(i) ?? 0) < task.everyMs) continue;
      lastRun.set(i, clock.now().getTime());
      await task.run();
    }
    return settled;
  }

  const drain = (): Promise<number> => {
    // One pass at a time per process; a second caller waits for it, then runs its own.
    const next = (running ?? Promise.resolve(0)).catch(() => 0).then(pass);
    running = next;
    return next.finally(() => {
      if (running === next) running = undefined;
    });
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        await drain();
      } catch (err) {
        logger.error({ err }, 'outbox pass failed');
      }
      schedule();
    }, settings.outboxPollMs);
    timer.unref?.();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    drain,
  };
}
