import { loadConfig } from '../config/load.ts';
import { defineCommand, UsageError } from './command.ts';

const limit = { type: 'string', value: 'N', help: 'at most this many, newest first (default: 50)' } as const;

/** `--limit N` of the list commands: a positive integer, 50 when absent. */
function parseLimit(value: string | undefined): number {
  const n = Number(value ?? 50);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('--limit must be a positive integer');
  return n;
}

/** What the file transports delivered, for a setup without SMTP or an SMS gateway (and for tests). */
export const deliveryCommands = [
  defineCommand({
    path: ['mail', 'list'],
    summary: 'the mails the file transport delivered (no SMTP_URL)',
    description: 'Prints them from MAIL_DIR as a JSON array.',
    options: { limit },
    async run(o) {
      const n = parseLimit(o.limit);
      const config = loadConfig(undefined, {}, { logLevel: 'warn' });
      if (config.smtpUrl) throw new UsageError('SMTP_URL is set: mail goes to that server, not to files');
      const { listStoredMail } = await import('../delivery/mail.ts');
      return listStoredMail(config.mailDir, n);
    },
  }),
  defineCommand({
    path: ['sms', 'list'],
    summary: 'the text messages the file transport delivered (no SMS_URL)',
    description: 'Prints them from SMS_DIR as a JSON array.',
    options: { limit },
    async run(o) {
      const n = parseLimit(o.limit);
      const config = loadConfig(undefined, {}, { logLevel: 'warn' });
      if (config.smsUrl) throw new UsageError('SMS_URL is set: text messages go to that gateway, not to files');
      const { listStoredSms } = await import('../delivery/sms.ts');
      return listStoredSms(config.smsDir, n);
    },
  }),
];
