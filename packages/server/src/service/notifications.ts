import { ProfiledError } from '@profiled/core';
import { enqueueMail } from './outbox.ts';
import type { Principal, ServiceDeps } from './types.ts';

/** The community events a host application emits, and the preference field each one honours. */
export const NOTIFICATION_EVENTS = {
  help_desk_reply: { flag: 'notify_help_desk', subject: 'A reply to your help desk message' },
  wall_post: { flag: 'notify_wall_post', subject: 'A new post on the community wall' },
  blog_comment: { flag: 'notify_blog_comment', subject: 'A new blog comment' },
  event_comment: { flag: 'notify_event_comment', subject: 'A new event comment' },
  community_digest: { flag: 'community_digest', subject: 'Your community digest' },
} as const;
export type NotificationEvent = keyof typeof NOTIFICATION_EVENTS;

export interface NotificationInput {
  readonly event: string;
  readonly text: string;
  readonly subject?: string | null;
  /** One recipient (a help-desk reply goes to who asked); otherwise the whole organization. */
  readonly profileId?: string | null;
}

/**
 * Notification mails as a host application emits them: each goes only to the profiles whose
 * preference flag for that event is on (`notify_help_desk` … `community_digest`), of active
 * accounts with an email, and is queued in the outbox in one transaction.
 */
export function createNotificationService(deps: ServiceDeps) {
  const { storage, clock } = deps;

  async function emit(orgId: string, input: NotificationInput) {
    if (!Object.hasOwn(NOTIFICATION_EVENTS, input.event)) {
      throw new ProfiledError('notification.unknown_event', { issues: [{ field: 'event', code: 'notification.unknown_event', message: `Use one of ${Object.keys(NOTIFICATION_EVENTS).join(', ')}.` }] });
    }
    const text = typeof input.text === 'string' ? input.text.trim() : '';
    if (text === '' || text.length > 10_000) throw new ProfiledError('notification.invalid_text', { issues: [{ field: 'text', code: 'notification.invalid_text', message: 'The text is 1-10000 characters.' }] });
    const subject = typeof input.subject === 'string' && input.subject.trim() !== '' ? input.subject.trim().slice(0, 200) : undefined;
    const event = NOTIFICATION_EVENTS[input.event as NotificationEvent];
    if (input.profileId) {
      const profile = await storage.repos.findProfile(input.profileId);
      if (!profile || profile.org_id !== orgId) throw new ProfiledError('profile.not_found');
    }
    const recipients = await storage.repos.listNotifiable(orgId, event.flag, input.profileId ?? undefined);
    const at = clock.now().toISOString();
    await storage.transaction(async (tx) => {
      for (const r of recipients) {
        const footer = `\n\n--\nYou get this because "${event.flag}" is on in your notification preferences; turn it off in your profile to stop these mails.\n`;
        await enqueueMail(tx, at, r.account_id, { to: r.email, kind: `notify.${input.event}`, subject: subject ?? event.subject, text: `${text}${footer}` });
      }
    });
    return { event: input.event, queued: recipients.length, profile_ids: recipients.map((r) => r.profile_id) };
  }

  return {
    emit,
    /** An administrator, or a host application's service account (API key), emits an event in its own organization. */
    async emitAsAdmin(principal: Principal, input: NotificationInput) {
      if (principal.kind !== 'admin' && principal.kind !== 'service') throw new ProfiledError('auth.forbidden', { message: 'Only administrators and service accounts may do this.' });
      return emit(principal.orgId, input);
    },
    /** The CLI emits an event in an organization given by slug. */
    async emitInOrg(slug: string, input: NotificationInput) {
      const org = await storage.repos.findOrg({ slug });
      if (!org) throw new ProfiledError('org.not_found', { message: `There is no organization "${slug}".` });
      return emit(org.id, input);
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
