import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { MailMessage } from '../service/outbox.ts';
import { listStoredJson, storeJson } from './file-store.ts';

/** Where mails go: an SMTP server, or files that `profiled mail list` reads. */
export interface MailTransport {
  readonly name: 'smtp' | 'file';
  /** Delivers one mail; `messageId` is the outbox idempotency key, so a repeat is recognisable. Throws on failure. */
  send(mail: MailMessage, messageId: string): Promise<void>;
  close(): void;
}

export interface MailSettings {
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly mailDir: string;
}

/** A mail the file transport wrote. */
export interface StoredMail {
  readonly message_id: string;
  readonly date: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly kind: string;
  readonly text: string;
}

/**
 * SMTP through nodemailer when `SMTP_URL` is set; otherwise each mail is written as JSON into
 * `MAIL_DIR` (named by its Message-ID, so a repeat replaces itself) and announced in the log
 * by recipient and subject only — a body can hold a one-time code, which is never logged.
 */
export function createMailTransport(settings: MailSettings, logger: Logger): MailTransport {
  if (settings.smtpUrl) {
    const url = settings.smtpUrl;
    // Loaded with the first mail: a server that writes mail to files never holds nodemailer.
    let connected: Promise<Transporter> | undefined;
    const smtp = () => (connected ??= import('nodemailer').then((m) => m.default.createTransport(url)));
    return {
      name: 'smtp',
      async send(mail, messageId) {
        await (await smtp()).sendMail({ from: settings.mailFrom, to: mail.to, subject: mail.subject, text: mail.text, messageId: `<${messageId}@profiled>`, headers: { 'X-Profiled-Kind': mail.kind } });
      },
      close() {
        void connected?.then((t) => t.close(), () => undefined);
      },
    };
  }
  return {
    name: 'file',
    async send(mail, messageId) {
      const stored: StoredMail = { message_id: `<${messageId}@profiled>`, date: new Date().toISOString(), from: settings.mailFrom, to: mail.to, subject: mail.subject, kind: mail.kind, text: mail.text };
      storeJson(settings.mailDir, messageId, stored);
      logger.info({ mail: { to: mail.to, subject: mail.subject, kind: mail.kind } }, 'mail delivered to the file transport');
    },
    close() {},
  };
}

/** The mails the file transport wrote, newest first. */
export function listStoredMail(dir: string, limit: number): StoredMail[] {
  return listStoredJson<StoredMail>(dir, limit);
}
