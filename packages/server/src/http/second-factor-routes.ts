import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../service/index.ts';
import type { SignedIn } from '../service/mfa/sign-in.ts';
import type { OAuthClientRow } from '../storage/port.ts';
import { toProfiledError } from './framework-errors.ts';
import { ProfiledError } from '@profiled/core';
import { errorPage, loginPage, PASSKEY_SCRIPT_PATH } from './login-page.ts';
import { PASSKEY_SCRIPT } from './passkey-script.ts';
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

  /** The code step's page, with the passkey button when the account has passkeys. */
  const codeStep = async (request: FastifyRequest, reply: FastifyReply, checked: CheckedRequest, challenge: string, status: number, error?: string) =>
    html(reply, status, codePage({ ...form(request, reply, checked, challenge, error), passkeys: await services.signInSteps.offersPasskey(challenge) }));

  /** Shows the step a right password leads to. */
  async function begin(request: FastifyRequest, reply: FastifyReply, checked: CheckedRequest, signedIn: { accountId: string; profileId: string; step: 'code' | 'enrol' }) {
    const challenge = await services.signInSteps.begin(signedIn.accountId, signedIn.profileId, signedIn.step);
    if (signedIn.step === 'code') return codeStep(request, reply, checked, challenge, 200);
    const enrolment = await services.signInSteps.enrolment(challenge);
    return html(reply, 200, enrolPage({ ...form(request, reply, checked, challenge), secret: enrolment.secret, qrSvg: enrolment.qr_svg }));
  }

  /** A wrong code shows the step again; an expired challenge starts the sign-in over; anything else is the error page's. */
  async function failed(err: unknown, request: FastifyRequest, reply: FastifyReply, checked: CheckedRequest, again: (error: string) => Promise<FastifyReply>) {
    const e = toProfiledError(err);
    if (e.code === 'mfa.code_invalid') return again('The code is not correct, or it was used already. Try the code the app shows now.');
    if (e.code === 'passkey.invalid') return again('The passkey could not be verified. Try again, or use another way to sign in.');
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
      return failed(err, request, reply, checked, async (error) => codeStep(request, reply, checked, challenge, 400, error));
    }
  });

  step('/oauth/v2/authorize/passkey', 'Authorize: a passkey posted', 'A passkey\'s WebAuthn assertion (`assertion`, the JSON the sign-in page\'s script writes for the options of `POST /oauth/v2/passkey/options`): with `challenge`, the second factor after a right password; without, the whole sign-in (a discoverable credential with user verification). Failures count against the sign-in throttle.', async (request, reply, p, checked) => {
    const challenge = p['challenge'] ?? '';
    try {
      const assertion = JSON.parse(p['assertion'] ?? '') as unknown;
      return await ctx.complete(request, reply, p, checked, await services.signInSteps.withPasskey(challenge, assertion, request.ip));
    } catch (err) {
      const e = err instanceof SyntaxError ? new ProfiledError('passkey.invalid') : err;
      if (!challenge && toProfiledError(e).code === 'passkey.invalid') {
        return html(reply, 400, loginPage({ clientName: checked.client.name, params: checked.carried, csrf: ctx.csrfFor(request, reply), error: 'The passkey could not be verified. Try again, or sign in with your password.' }));
      }
      return failed(e, request, reply, checked, async (error) => codeStep(request, reply, checked, challenge, 400, error));
    }
  });

  app.post('/oauth/v2/passkey/options', {
    schema: {
      tags: ['oauth'],
      summary: 'Passkey options for the sign-in page',
      description: 'WebAuthn request options (`PublicKeyCredentialRequestOptionsJSON`) for the sign-in page\'s script: with the code step\'s `challenge`, the account\'s passkeys; without, any discoverable credential of this relying party (user verification required). Each challenge works once, for five minutes.',
      body: { type: 'object', properties: { challenge: { type: 'string', maxLength: 64 } }, additionalProperties: false },
    },
    errorHandler: (err, _request, reply) => {
      const e = toProfiledError(err);
      return reply.code(e.status >= 500 ? 500 : e.status).header('cache-control', 'no-store').type('application/json').send(JSON.stringify({ error: e.code, error_description: e.message }));
    },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await services.signInSteps.passkeyOptions((request.body as { challenge?: string } | undefined)?.challenge, request.ip)));

  app.get(PASSKEY_SCRIPT_PATH, { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(PASSKEY_SCRIPT));

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
