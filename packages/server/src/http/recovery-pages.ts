import formbody from '@fastify/formbody';
import type { ProfiledError } from '@profiled/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { FORGOT_PASSWORD_PATH, SET_PASSWORD_PATH } from '../service/account-links.ts';
import type { Services } from '../service/index.ts';
import { createCsrf } from './csrf.ts';
import { toProfiledError } from './framework-errors.ts';
import { errorPage } from './login-page.ts';
import { enterCodePage, forgotPage, forgotSentPage, linkProblemPage, passwordSetPage, safeNext, setPasswordPage } from './recovery-html.ts';

type Form = Partial<Record<string, unknown>>;
const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const TOKEN_ERRORS = new Set(['recovery.invalid_token', 'recovery.token_expired']);

const formSchema = (summary: string, description: string, fields: readonly string[]) => ({
  summary,
  description,
  tags: ['account'],
  consumes: ['application/x-www-form-urlencoded'],
  produces: ['text/html'],
  body: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f, { type: 'string', maxLength: 4096 }])) },
  response: { 200: { type: 'string', description: 'The next page (HTML).' } },
});

/**
 * The recovery pages a person uses (issue 19): server-rendered HTML forms that need no
 * script, in the sign-in page's frame and stylesheet, CSRF-protected like the sign-in form
 * (a cookie scoped to /account) and throttled by the recovery service. The mailed link's GET
 * only shows the form — mail scanners open every link — and its POST sets the password.
 */
export async function recoveryPages(app: FastifyInstance, opts: { services: Services; issuer: string }) {
  const { recovery } = opts.services;
  await app.register(formbody, { bodyLimit: 16_384 });
  const csrf = createCsrf({ cookie: 'profiled_csrf_account', path: '/account', issuer: opts.issuer });

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache').type('text/html; charset=utf-8').send(body);
  const throttled = (reply: FastifyReply, e: ProfiledError) => {
    if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
    return 'Too many attempts. Wait a few minutes, then try again.';
  };
  const forged = (reply: FastifyReply) => html(reply, 403, errorPage('The form expired', 'The form expired or was not sent from this site. Open the page again and start over.'));
  app.setErrorHandler((err, request, reply) => {
    const e = toProfiledError(err);
    if (e.code === 'internal.error') request.log.error({ err }, 'recovery page failed');
    return html(reply, e.status >= 500 ? 500 : e.status, errorPage('This page cannot continue', e.message));
  });

  app.get(FORGOT_PASSWORD_PATH, {
    schema: { summary: 'The recovery form (page)', description: 'Asks for a username or email address and POSTs it; the "Forgot your password?" link of the sign-in page and the portal. `next`: the sign-in page to go back to.', tags: ['account'], produces: ['text/html'], querystring: { type: 'object', properties: { next: { type: 'string', maxLength: 4096 } } }, response: { 200: { type: 'string', description: 'The form (HTML).' } } },
  }, async (request, reply) => html(reply, 200, forgotPage({ csrf: csrf.issue(request, reply), next: safeNext((request.query as Form)['next']) })));

  app.post(FORGOT_PASSWORD_PATH, {
    schema: formSchema('The recovery form posted (page)', 'As `POST /v1/account/password-reset`, for a person: the same page for every login, whether or not an account has it. CSRF-protected; throttled per login and per client address (429 with `Retry-After`).', ['csrf_token', 'login', 'next']),
    attachValidation: true,
  }, async (request, reply) => {
    const form = (request.validationError ? {} : (request.body ?? {})) as Form;
    const next = safeNext(form['next']);
    if (!csrf.valid(request, form['csrf_token'])) return forged(reply);
    const login = text(form['login'])?.slice(0, 320);
    const again = (status: number, more: { error?: string; fieldError?: string }) => html(reply, status, forgotPage({ csrf: csrf.issue(request, reply), next, login, ...more }));
    try {
      await recovery.request(login, request.ip);
    } catch (err) {
      const e = toProfiledError(err);
      if (e.code === 'auth.rate_limited') return again(429, { error: throttled(reply, e) });
      if (e.status === 400) return again(400, { fieldError: 'Enter your username or email address.' });
      throw err;
    }
    return html(reply, 200, forgotSentPage(next));
  });

  app.get(SET_PASSWORD_PATH, {
    schema: { summary: 'The set-password form of a mailed link (page)', description: 'Where the links of password-reset and invitation mails point. Shows the organization\'s password rules and the form; opening it changes nothing and does not use the link. Without `token`, a field for the code the mail spells out.', tags: ['account'], produces: ['text/html'], querystring: { type: 'object', properties: { token: { type: 'string', maxLength: 200 } } }, response: { 200: { type: 'string', description: 'The form (HTML).' }, 400: { type: 'string', description: 'The link is unknown, used or expired (HTML).' } } },
  }, async (request, reply) => {
    const token = text((request.query as Form)['token'])?.trim();
    if (!token) return html(reply, 200, enterCodePage());
    try {
      const link = await recovery.describe(token, request.ip);
      return html(reply, 200, setPasswordPage({ token, csrf: csrf.issue(request, reply), purpose: link.purpose, username: link.username, rules: link.rules }));
    } catch (err) {
      return linkProblem(reply, err);
    }
  });

  app.post(SET_PASSWORD_PATH, {
    schema: formSchema('The set-password form posted (page)', 'As `POST /v1/account/password-reset/confirm`, for a person, with the new password typed twice: a refused password is shown at its field and leaves the link working. CSRF-protected.', ['csrf_token', 'token', 'new_password', 'repeat_password']),
    attachValidation: true,
  }, async (request, reply) => {
    const form = (request.validationError ? {} : (request.body ?? {})) as Form;
    if (!csrf.valid(request, form['csrf_token'])) return forged(reply);
    const token = text(form['token']) ?? '';
    const password = text(form['new_password']) ?? '';
    let link;
    try {
      link = await recovery.describe(token, request.ip);
    } catch (err) {
      return linkProblem(reply, err);
    }
    const again = (status: number, errors: Record<string, string>) =>
      html(reply, status, setPasswordPage({ token, csrf: csrf.issue(request, reply), purpose: link.purpose, username: link.username, rules: link.rules, errors }));
    if (password !== '' && password !== text(form['repeat_password'])) return again(400, { repeat_password: 'The two passwords are not the same.' });
    try {
      const { purpose } = await recovery.setPassword(token, password, request.ip);
      return html(reply, 200, passwordSetPage(purpose));
    } catch (err) {
      const e = toProfiledError(err);
      if (e.code === 'auth.rate_limited') return again(429, { new_password: throttled(reply, e) });
      if (e.code.startsWith('password.')) return again(400, { new_password: e.message });
      return linkProblem(reply, err);
    }
  });

  function linkProblem(reply: FastifyReply, err: unknown) {
    const e = toProfiledError(err);
    if (e.code === 'auth.rate_limited') return html(reply, 429, errorPage('Too many attempts', throttled(reply, e)));
    if (!TOKEN_ERRORS.has(e.code)) throw err;
    return html(reply, 400, linkProblemPage(e.code === 'recovery.token_expired' ? 'The link has expired. Ask for a new one: it is mailed at once.' : 'The link is unknown, already used, or replaced by a newer one. Ask for a new one.'));
  }
}
