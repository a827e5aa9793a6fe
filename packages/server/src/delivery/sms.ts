import type { Logger } from 'pino';
import type { SmsMessage } from '../service/outbox.ts';
import { listStoredJson, storeJson } from './file-store.ts';

/** Where text messages go: an HTTP gateway, or files that `profiled sms list` reads. */
export interface SmsTransport {
  readonly name: 'http' | 'file';
  /** Delivers one message; `id` is the outbox idempotency key, sent so a gateway can drop a repeat. Throws on failure. */
  send(sms: SmsMessage, id: string): Promise<void>;
}

export interface SmsSettings {
  readonly smsUrl: string | undefined;
  readonly smsToken: string | undefined;
  readonly smsDir: string;
  readonly webhookTimeoutMs: number;
}

/** A text message the file transport wrote. */
export interface StoredSms {
  readonly id: string;
  readonly date: string;
  readonly to: string;
  readonly kind: string;
  readonly text: string;
}

/**
 * With `SMS_URL`, each message is POSTed as JSON `{id, to, text, kind}` (with `Idempotency-Key`
 * and, given `SMS_TOKEN`, a bearer token) — the shape a small adapter in front of any SMS
 * provider can take; any 2xx is success, a redirect is a failure, never followed. Without it,
 * messages are written into `SMS_DIR`. Errors and log lines name the recipient and kind only:
 * the text can hold a one-time code and the token is a secret.
 */
export function createSmsTransport(settings: SmsSettings, logger: Logger): SmsTransport {
  const { smsUrl, smsToken } = settings;
  if (smsUrl) {
    return {
      name: 'http',
      async send(sms, id) {
        let res: Response;
        try {
          res = await fetch(smsUrl, {
            method: 'POST',
            redirect: 'manual',
            signal: AbortSignal.timeout(settings.webhookTimeoutMs),
            headers: { 'content-type': 'application/json', 'idempotency-key': id, 'user-agent': 'Profiled-SMS/1', ...(smsToken ? { authorization: `Bearer ${smsToken}` } : {}) },
            body: JSON.stringify({ id, to: sms.to, text: sms.text, kind: sms.kind }),
          });
        } catch (err) {
          throw new Error((err as Error).name === 'TimeoutError' ? 'SMS gateway timeout' : `SMS gateway unreachable (${(err as Error).message.slice(0, 120)})`);
        }
        await res.body?.cancel();
        if (res.status < 200 || res.status >= 300) throw new Error(`SMS gateway answered HTTP ${res.status}`);
      },
    };
  }
  return {
    name: 'file',
    async send(sms, id) {
      const stored: StoredSms = { id, date: new Date().toISOString(), to: sms.to, kind: sms.kind, text: sms.text };
      storeJson(settings.smsDir, id, stored);
      logger.info({ sms: { to: sms.to, kind: sms.kind } }, 'text message delivered to the file transport');
    },
  };
}

/** The text messages the file transport wrote, newest first. */
export function listStoredSms(dir: string, limit: number): StoredSms[] {
  return listStoredJson<StoredSms>(dir, limit);
}
