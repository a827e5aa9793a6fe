import { listStoredMail, type StoredMail } from '../../packages/server/src/delivery/mail.ts';
import type { Clock } from '../../packages/server/src/service/index.ts';

/**
 * The mails the file transport wrote into one MAIL_DIR, read as a person reads an inbox:
 * `next` waits for a mail not read before, so two links to one address are told apart.
 */
export function mailbox(dir: string) {
  const read = new Set<string>();
  const matching = (to: string, kind: string) => listStoredMail(dir, 10_000).filter((m) => m.to === to && m.kind === kind);
  return {
    all: matching,
    async next(to: string, kind: string, timeoutMs = 5000): Promise<StoredMail> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        // Oldest first (the store lists newest first); mails of one sending pass may tie.
        const mail = matching(to, kind).reverse().find((m) => !read.has(m.message_id));
        if (mail) {
          read.add(mail.message_id);
          return mail;
        }
        if (Date.now() > until) throw new Error(`no new ${kind} mail to ${to} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** The link a recovery or invitation mail carries, and its token (which the mail also spells out). */
export function linkIn(mail: StoredMail): { url: string; token: string } {
  const m = /(https?:\/\/\S+\/account\/reset-password\?token=([A-Za-z0-9_-]{43}))\n/.exec(mail.text);
  if (!m) throw new Error(`no link in: ${mail.text}`);
  return { url: m[1]!, token: m[2]! };
}

/** A clock a test moves forward, for links that expire. */
export function movableClock(): Clock & { advance(seconds: number): void } {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(seconds) {
      offsetMs += seconds * 1000;
    },
  };
}
