/**
 * The sign-in page the authorization endpoint shows: server-rendered HTML that works without
 * JavaScript, styled by one external stylesheet (the CSP allows no inline style or script),
 * in the portal's colours. Every interpolated value is escaped.
 */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const LOGIN_CSS_PATH = '/oauth/v2/login.css';

/** A page in the sign-in page's frame (also the undo confirmation). */
export function htmlPage(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Profiled</title>
<link rel="stylesheet" href="${LOGIN_CSS_PATH}">
</head>
<body>
<main id="main">
${main}
</main>
</body>
</html>
`;
}

export interface LoginPageInput {
  readonly clientName: string;
  /** The authorization request, carried through the form as hidden fields. */
  readonly params: Readonly<Record<string, string>>;
  readonly csrf: string;
  readonly username?: string;
  readonly error?: string;
}

export function loginPage(input: LoginPageInput): string {
  const hidden = Object.entries(input.params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const error = input.error ? `<p class="form-error" role="alert" id="login-error">${escapeHtml(input.error)}</p>` : '';
  const describedBy = input.error ? ' aria-describedby="login-error"' : '';
  return htmlPage(
    'Sign in',
    `<h1>Sign in to Profiled</h1>
<p class="intro">to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
<form method="post" action="/oauth/v2/authorize" novalidate>
${error}
${hidden}
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrf)}">
<div class="field">
<label for="username">Username or email</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(input.username ?? '')}"${describedBy}${input.error ? ' aria-invalid="true"' : ''}${input.username ? '' : ' autofocus'}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}${input.username ? ' autofocus' : ''}>
</div>
<div class="actions"><button type="submit">Sign in</button><a href="/account/forgot-password?next=${encodeURIComponent(`/oauth/v2/authorize?${new URLSearchParams(input.params).toString()}`)}">Forgot your password?</a></div>
</form>
${passkeyForm(input.params, input.csrf, 'Use a passkey')}`,
  );
}

export const PASSKEY_SCRIPT_PATH = '/oauth/v2/passkey.js';

/**
 * The passkey's way in (issue 22): a button that stays hidden unless the browser has
 * WebAuthn, and the form its script fills with the assertion and posts. With `challenge`
 * (the code step of a sign-in) the passkey is the second factor; without, the whole sign-in.
 */
export function passkeyForm(params: Readonly<Record<string, string>>, csrf: string, label: string, challenge?: string): string {
  const hidden = [...Object.entries(params), ['csrf_token', csrf], ...(challenge ? [['challenge', challenge]] : []), ['assertion', '']]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k!)}" value="${escapeHtml(v!)}">`)
    .join('\n');
  return `<form method="post" action="/oauth/v2/authorize/passkey" id="passkey-form" hidden>
${hidden}
</form>
<p class="form-error" role="alert" id="passkey-error" hidden></p>
<div class="actions aside" id="passkey-actions" hidden><button type="button" class="secondary" id="passkey-button">${escapeHtml(label)}</button></div>
<script src="${PASSKEY_SCRIPT_PATH}" defer></script>`;
}

/** An error the person must see here, because it is not safe to send them back to the client. */
export function errorPage(title: string, detail: string): string {
  return htmlPage(title, `<h1>${escapeHtml(title)}</h1>\n<p class="form-error" role="alert">${escapeHtml(detail)}</p>`);
}

export function signedOutPage(): string {
  return htmlPage('Signed out', '<h1>You are signed out</h1>\n<p class="intro">You can close this page.</p>');
}

export const LOGIN_CSS = `:root{--ink:#1b1f24;--muted:#4a5560;--line:#c9d1d9;--accent:#1f4e79;--error:#a4161a;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5;color:var(--ink);background:#f6f8fa}
*{box-sizing:border-box}body{margin:0}
main{max-width:26rem;margin:3rem auto;padding:0 1.25rem}
h1{font-size:1.75rem;margin:0 0 .25rem}.intro{color:var(--muted);margin:0 0 1.5rem}
form{display:grid;gap:1rem}.field{display:grid;gap:.25rem}label{font-weight:600}
input{font:inherit;padding:.5rem .6rem;border:1px solid #6e7781;border-radius:6px;background:#fff;color:var(--ink);width:100%}
input[aria-invalid=true]{border:2px solid var(--error)}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
button{font:inherit;padding:.55rem 1.1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
.form-error{margin:0;padding:.75rem 1rem;border-left:4px solid var(--error);background:#fdecea;color:var(--error)}
a{color:var(--accent)}.actions{display:flex;flex-wrap:wrap;gap:.75rem 1.25rem;align-items:center}.aside{margin:1.5rem 0 0}
.field-error{margin:0;color:var(--error);font-weight:600}
.rules{margin:0 0 1.25rem;padding:.75rem 1rem;border:1px solid var(--line);border-radius:6px;background:#fff}.rules h2{font-size:1rem;margin:0 0 .25rem}.rules ul{margin:0;padding-left:1.25rem}
strong{overflow-wrap:anywhere}
`;
