import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../service/index.ts';
import type { SignedIn } from '../service/mfa/sign-in.ts';
import type { OAuthClientRow } from '../storage/port.ts';
import { toProfiledError } from './framework-errors.ts';
import { errorPage, loginPage } from './login-page.ts';
import { codePage, enrolPage, recoveryCodesPage } from './second-factor-pages.ts';

type Params = Partial<Record<string, string>>;
/** An authorization request that passed the checks of oidc.ts. */
export interface CheckedRequest {
  readonly client: OAuthClientRow;
  readonly redirectUri: string;
  readonly scope: string;
  readonly carried: Record<string, string>;
}

export interface StepContext {
  readonly services: Services;
  /** The authorization request's checks; answers a reply already sent when it fails. */
  readonly checked: (request: FastifyRequest, reply: FastifyReply, p: Params) => Promise<CheckedRequest | FastifyReply>;
  readonly csrfFor: (request: FastifyRequest, reply: FastifyReply) => string;
  readonly html: (reply: FastifyReply, status: number, body: string) => FastifyReply;
  /** Issues the authorization code of a completed sign-in and sends the browser back to the client. */
  readonly complete: (request: FastifyRequest, reply: FastifyReply, p: Params, checked: CheckedRequest, signedIn: SignedIn) => Promise<FastifyReply>;
}

/**
 * The sign-in form's steps after a right password (issue 22): `/oauth/v2/authorize/code`
 * (a TOTP or recovery code), and for a member whose org requires a factor they lack,
 * `/oauth/v2/authorize/enrol` and `/oauth/v2/authorize/continue`. Each post is checked as the
 * first one is (the client, the redirect URI, CSRF) and carries its step's challenge.
 */
export function secondFactorRoutes(app: FastifyInstance, ctx: StepContext) {
  const { services, html } = ctx;
  const form = (request: FastifyRequest, reply: FastifyReply, checked: CheckedRequest, challenge: string, error?: string) => ({
    clientName: checked.client.name,
    params: checked.carried,
    csrf: ctx.csrfFor(request, reply),
    challenge,
    ...(error ? { error } : {}),
  });

  /** Shows the step a right password leads to. */
  async function begin(request: FastifyRequest, reply: FastifyReply, checked: CheckedRequest, signedIn: { accountId: string; profileId: string; step: 'code' | 'enrol' }) {
    const challenge = await services.signInSteps.begin(signedIn.accountId, signedIn.profileId, signedIn.step);
    if (signedIn.step === 'code') return html(reply, 200, codePage(form(request, reply, checked, challenge)));
    const enrolment = await services.signInSteps.enrolment(challenge);
    return html(reply, 200, enrolPage({ ...form(request, reply, checked, challenge), secret: enrolment.secret, qrSvg: enrolment.qr_svg }));
  }

  /** A wrong code shows the step again; an expired challenge starts the sign-in over; anything else is the error page's. */
  async function failed(err: unknown, request: FastifyRequest, reply: FastifyReply, checked: CheckedRequest, again: (error: string) => Promise<FastifyReply>) {
    const e = toProfiledError(err);
    if (e.code === 'mfa.code_invalid') return again('The code is not correct, or it was used already. Try the code the app shows now.');
    if (e.code === 'auth.rate_limited') {
      if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
      return html(reply, 429, errorPage('Too many attempts', 'Too many wrong codes. Wait a moment, then sign in again.'));
    }
    if (e.code === 'auth.invalid_grant') return html(reply, 400, loginPage({ clientName: checked.client.name, params: checked.carried, csrf: ctx.csrfFor(request, reply), error: e.message }));
    throw err;
  }

  const step = (path: string, summary: string, description: string, run: (request: FastifyRequest, reply: FastifyReply, p: Params, checked: CheckedRequest) => Promise<FastifyReply>) => {
    app.post(path, { schema: { tags: ['oauth'], summary, description } }, async (request, reply) => {
      const p = (request.body ?? {}) as Params;
      const checked = await ctx.checked(request, reply, typeof p === 'object' ? p : {});
      if (!('client' in checked)) return checked;
      return run(request, reply, p, checked as CheckedRequest);
    });
  };

  step('/oauth/v2/authorize/code', 'Authorize: the second factor posted', 'The sign-in form\'s second step (form-encoded, CSRF-protected): `challenge` from the step\'s page and `code`, a TOTP code or a recovery code. Wrong codes count against the sign-in throttle.', async (request, reply, p, checked) => {
    const challenge = p['challenge'] ?? '';
    try {
      return await ctx.complete(request, reply, p, checked, await services.signInSteps.withCode(challenge, p['code'], request.ip));
    } catch (err) {
      return failed(err, request, reply, checked, async (error) => html(reply, 400, codePage(form(request, reply, checked, challenge, error))));
    }
  });

  step('/oauth/v2/authorize/enrol', 'Authorize: a required second factor set up', 'Where the org requires a second factor the account lacks, its first TOTP code (`challenge`, `code`) turns it on; the recovery codes are shown next.', async (request, reply, p, checked) => {
    const challenge = p['challenge'] ?? '';
    try {
      const done = await services.signInSteps.confirmEnrolment(challenge, p['code'], request.ip);
      return html(reply, 200, recoveryCodesPage({ ...form(request, reply, checked, done.next), codes: done.recovery_codes }));
    } catch (err) {
      return failed(err, request, reply, checked, async (error) => {
        const enrolment = await services.signInSteps.enrolment(challenge);
        return html(reply, 400, enrolPage({ ...form(request, reply, checked, challenge, error), secret: enrolment.secret, qrSvg: enrolment.qr_svg }));
      });
    }
  });

  step('/oauth/v2/authorize/continue', 'Authorize: on after the recovery codes', 'After a second factor was set up at sign-in and its recovery codes shown: completes the sign-in (`challenge`).', async (request, reply, p, checked) => {
    try {
      return await ctx.complete(request, reply, p, checked, await services.signInSteps.continueEnrolled(p['challenge']));
    } catch (err) {
      return failed(err, request, reply, checked, async (error) => html(reply, 400, errorPage('Sign-in cannot continue', error)));
    }
  });

  return { begin };
}
