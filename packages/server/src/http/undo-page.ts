import formbody from '@fastify/formbody';
import { toProfiledError } from './framework-errors.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../service/index.ts';
import { nounOf } from '../service/verification.ts';
import { htmlPage, escapeHtml } from './login-page.ts';

const UNDO_PATH = '/v1/account/change-undo';
/** The path of the links the first notices carried; they keep working. */
const OLD_EMAIL_UNDO_PATH = '/v1/account/email-undo';

/**
 * The undo link of a change notice. Opening it changes nothing: mail scanners and link
 * previews fetch every link they see, so the GET shows what the undo would do and a button;
 * the POST does it (and ends every session). The token in the form is the credential, so
 * there is nothing for a cross-site request to forge. API clients POST JSON `{token}`.
 */
export async function undoRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { verification } = opts.services;
  await app.register(formbody, { bodyLimit: 4096 });

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8').send(body);
  const failed = (reply: FastifyReply, err: unknown) => {
    const e = toProfiledError(err);
    return html(reply, e.status >= 500 ? 500 : e.status, htmlPage('Undo', `<h1>This change cannot be undone here</h1>\n<p class="form-error" role="alert">${escapeHtml(e.message)}</p>`));
  };

  const confirm = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = (request.query as { token?: unknown }).token;
    try {
      const what = await verification.describeUndo(token);
      const noun = nounOf(what.field);
      const restores = what.restores === null ? `clear the ${noun}` : `put back <strong>${escapeHtml(what.restores)}</strong>`;
      return html(reply, 200, htmlPage('Undo the change', `<h1>Undo the change of your ${escapeHtml(noun)}?</h1>
<p class="intro">This will ${restores} in place of ${escapeHtml(what.replaces ?? 'nothing')}, and sign out every session of the account. The link works once, until ${escapeHtml(what.expires_at.slice(0, 16).replace('T', ' '))} UTC.</p>
<form method="post" action="${UNDO_PATH}">
<input type="hidden" name="token" value="${escapeHtml(String(token))}">
<div class="actions"><button type="submit">Undo the change</button></div>
</form>`));
    } catch (err) {
      return failed(reply, err);
    }
  };
  const querystring = { type: 'object', properties: { token: { type: 'string', maxLength: 200 } }, required: ['token'] };
  const pageSchema = (summary: string) => ({ summary, description: 'Shows what the undo link of a change notice would put back, with a button that does it (POST). Opening it changes nothing.', tags: ['account'], querystring, produces: ['text/html'], response: { 200: { type: 'string', description: 'The confirmation page (HTML).' }, 400: { type: 'string', description: 'The link is unknown, used or expired (HTML).' } } });
  app.get(UNDO_PATH, { schema: pageSchema('Confirm undoing a change (the link in the notice)') }, confirm);
  app.get(OLD_EMAIL_UNDO_PATH, { schema: pageSchema('Confirm undoing an email change (links of earlier notices)') }, confirm);

  app.post(UNDO_PATH, {
    schema: {
      summary: 'Undo a change of the email or mobile number',
      description: 'Puts the previous value back and ends every session of the account. Works once, for 7 days; the token from the notice is the credential. A form post answers a page, a JSON post `{field, restored}`.',
      tags: ['account'],
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: { type: 'object', properties: { token: { type: 'string', maxLength: 200 } }, required: ['token'] },
      response: { 200: { type: 'object', properties: { field: { type: 'string' }, restored: { type: ['string', 'null'] } } } },
    },
    attachValidation: true,
  }, async (request, reply) => {
    const fromForm = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const token = request.validationError ? undefined : (request.body as { token?: unknown }).token;
    try {
      const result = await verification.undo(token);
      if (!fromForm) return reply.header('cache-control', 'no-store').send(result);
      const noun = nounOf(result.field);
      return html(reply, 200, htmlPage('Change undone', `<h1>The change is undone</h1>\n<p class="intro">Your ${escapeHtml(noun)} is ${result.restored === null ? 'cleared' : `<strong>${escapeHtml(result.restored)}</strong>`} again, and every session of the account has ended: sign in again, and change your password if someone else made the change.</p>`));
    } catch (err) {
      if (fromForm) return failed(reply, err);
      throw err;
    }
  });
}
