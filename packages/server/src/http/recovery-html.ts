import { FORGOT_PASSWORD_PATH as FORGOT_PATH, SET_PASSWORD_PATH as RESET_PATH } from '../service/account-links.ts';
import { escapeHtml as e, htmlPage } from './login-page.ts';

/**
 * Where "Back to sign in" goes: the sign-in page the person came from (only that path, never
 * an outside address), or the portal's sign-in.
 */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.length <= 4096 && next.startsWith('/oauth/v2/authorize?') ? next : '/login';
}

const back = (next: string) => `<p class="aside"><a href="${e(next)}">Back to sign in</a></p>`;
const hidden = (name: string, value: string) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`;
const alert = (message: string | undefined) => (message ? `<p class="form-error" role="alert" id="form-error">${e(message)}</p>\n` : '');

/** The recovery form: one field, for the username or email address. */
export function forgotPage(input: { csrf: string; next: string; login?: string; error?: string; fieldError?: string }): string {
  const invalid = input.fieldError ? ` aria-invalid="true" aria-describedby="login-error"` : '';
  return htmlPage('Forgot your password?', `<h1>Forgot your password?</h1>
<p class="intro">Enter your username or email address. If it belongs to an account, we mail a link to its address to set a new password. Until you use it, your password stays as it is.</p>
<form method="post" action="${FORGOT_PATH}" novalidate>
${alert(input.error)}${hidden('csrf_token', input.csrf)}
${hidden('next', input.next)}
<div class="field">
<label for="login">Username or email</label>
<input id="login" name="login" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="320" value="${e(input.login ?? '')}"${invalid} autofocus>
${input.fieldError ? `<p class="field-error" id="login-error">${e(input.fieldError)}</p>` : ''}
</div>
<div class="actions"><button type="submit">Send the link</button></div>
</form>
${back(input.next)}`);
}

/** The same page for every login asked about: nothing here tells whether an account has it. */
export function forgotSentPage(next: string): string {
  return htmlPage('Check your mail', `<h1>Check your mail</h1>
<p class="intro" role="status">If an account has that username or email address, a link to set a new password is on its way to its address. It works once, for a short while. Nothing changes until you use it.</p>
${back(next)}`);
}

export interface SetPasswordPageInput {
  readonly token: string;
  readonly csrf: string;
  readonly purpose: 'password_reset' | 'invitation';
  readonly username: string;
  readonly rules: readonly string[];
  readonly errors?: Readonly<Partial<Record<'new_password' | 'repeat_password', string>>>;
}

/** The set-password form of every mailed link: the rules first, each error at its field. */
export function setPasswordPage(input: SetPasswordPageInput): string {
  const title = input.purpose === 'invitation' ? 'Choose your password' : 'Set a new password';
  const errors = input.errors ?? {};
  const first = errors.new_password ? 'new_password' : errors.repeat_password ? 'repeat_password' : 'new_password';
  const field = (name: 'new_password' | 'repeat_password', label: string, describedBy: string[]) => {
    const error = errors[name];
    const ids = [...describedBy, ...(error ? [`${name}-error`] : [])];
    return `<div class="field">
<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="password" autocomplete="new-password" required${ids.length ? ` aria-describedby="${ids.join(' ')}"` : ''}${error ? ' aria-invalid="true"' : ''}${first === name ? ' autofocus' : ''}>
${error ? `<p class="field-error" id="${name}-error">${e(error)}</p>` : ''}
</div>`;
  };
  return htmlPage(title, `<h1>${title}</h1>
<p class="intro">for the account <strong>${e(input.username)}</strong></p>
<section class="rules" aria-labelledby="rules-title">
<h2 id="rules-title">Password rules</h2>
<ul id="password-rules">
${input.rules.map((r) => `<li>${e(r)}</li>`).join('\n')}
</ul>
</section>
<form method="post" action="${RESET_PATH}" novalidate>
${Object.keys(errors).length ? alert('The password was not set. See the field below.') : ''}${hidden('csrf_token', input.csrf)}
${hidden('token', input.token)}
<input type="text" name="username" autocomplete="username" value="${e(input.username)}" hidden readonly>
${field('new_password', 'New password', ['password-rules'])}
${field('repeat_password', 'Repeat the new password', [])}
<div class="actions"><button type="submit">${input.purpose === 'invitation' ? 'Set my password' : 'Set the new password'}</button></div>
</form>`);
}

/** After the link was used: the password works now, every other session has ended. */
export function passwordSetPage(purpose: 'password_reset' | 'invitation'): string {
  const ended = purpose === 'invitation' ? '' : ' Every session of the account has been signed out.';
  return htmlPage('Password set', `<h1>Your password is set</h1>
<p class="intro" role="status">Sign in with it now.${ended}</p>
<p class="aside"><a href="/login">Sign in</a></p>`);
}

/** A link that no longer works (or never did), with the way to a new one. */
export function linkProblemPage(message: string): string {
  return htmlPage('This link does not work', `<h1>This link does not work</h1>
<p class="form-error" role="alert">${e(message)}</p>
<p class="aside"><a href="${FORGOT_PATH}">Ask for a new link</a></p>`);
}

/** The page without a token: for a code copied out of the mail (a GET form, so it shows the rules first). */
export function enterCodePage(): string {
  return htmlPage('Enter the code from the mail', `<h1>Enter the code from the mail</h1>
<p class="intro">Paste the code the mail spells out below its link.</p>
<form method="get" action="${RESET_PATH}" novalidate>
<div class="field">
<label for="token">Code</label>
<input id="token" name="token" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="200" autofocus>
</div>
<div class="actions"><button type="submit">Continue</button></div>
</form>
<p class="aside"><a href="${FORGOT_PATH}">Ask for a new link</a></p>`);
}
