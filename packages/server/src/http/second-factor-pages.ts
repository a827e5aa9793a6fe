import { escapeHtml, htmlPage, passkeyForm } from './login-page.ts';

/** What every step of the sign-in form carries: the authorization request, the CSRF token and the step's challenge. */
export interface StepForm {
  readonly clientName: string;
  readonly params: Readonly<Record<string, string>>;
  readonly csrf: string;
  readonly challenge: string;
  readonly error?: string;
}

function hiddenFields(form: StepForm): string {
  return [...Object.entries(form.params), ['csrf_token', form.csrf], ['challenge', form.challenge]]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k!)}" value="${escapeHtml(v!)}">`)
    .join('\n');
}

function codeField(form: StepForm, label: string, hint: string): string {
  const error = form.error ? `<p class="form-error" role="alert" id="code-error">${escapeHtml(form.error)}</p>\n` : '';
  const describedBy = ['code-hint', form.error ? 'code-error' : ''].filter(Boolean).join(' ');
  return `${error}<div class="field">
<label for="code">${escapeHtml(label)}</label>
<p class="hint" id="code-hint">${escapeHtml(hint)}</p>
<input id="code" name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" maxlength="64" required autofocus aria-describedby="${describedBy}"${form.error ? ' aria-invalid="true"' : ''}>
</div>`;
}

/** The second step after a right password: a code of the authenticator app, or a recovery code. */
export function codePage(form: StepForm & { readonly passkeys?: boolean }): string {
  return htmlPage(
    'Two-step verification',
    `<h1>Two-step verification</h1>
<p class="intro">to continue to <strong>${escapeHtml(form.clientName)}</strong></p>
<form method="post" action="/oauth/v2/authorize/code" novalidate>
${hiddenFields(form)}
${codeField(form, 'Code', 'The six-digit code your authenticator app shows now. Lost the app? Enter one of your recovery codes instead.')}
<div class="actions"><button type="submit">Verify</button></div>
</form>
${form.passkeys ? passkeyForm(form.params, form.csrf, 'Use a passkey instead', form.challenge) : ''}`,
  );
}

/** The enrolment an org that requires a second factor asks for at sign-in: a QR code drawn here, the key as text, and its first code. */
export function enrolPage(form: StepForm & { readonly secret: string; readonly qrSvg: string }): string {
  const grouped = form.secret.replace(/(.{4})(?=.)/g, '$1 ');
  return htmlPage(
    'Set up two-step verification',
    `<h1>Set up two-step verification</h1>
<p class="intro">Your organization asks every member to sign in with a second factor. Scan this QR code with an authenticator app (such as Aegis, FreeOTP or Google Authenticator), or type the key into it.</p>
<img class="qr" width="220" height="220" alt="QR code of the set-up key shown below" src="data:image/svg+xml;base64,${Buffer.from(form.qrSvg).toString('base64')}">
<p class="key">Key: <code>${escapeHtml(grouped)}</code></p>
<form method="post" action="/oauth/v2/authorize/enrol" novalidate>
${hiddenFields(form)}
${codeField(form, 'First code', 'The six-digit code the app shows for Profiled once the key is added.')}
<div class="actions"><button type="submit">Turn on</button></div>
</form>`,
  );
}

/** The recovery codes of a new enrolment, shown this once, then on to the application. */
export function recoveryCodesPage(form: StepForm & { readonly codes: readonly string[] }): string {
  return htmlPage(
    'Save your recovery codes',
    `<h1>Save your recovery codes</h1>
<p class="intro">Two-step verification is on. If you lose your authenticator app, each of these codes signs you in once. Keep them somewhere safe: they are not shown again.</p>
<ol class="codes">
${form.codes.map((c) => `<li><code>${escapeHtml(c)}</code></li>`).join('\n')}
</ol>
<form method="post" action="/oauth/v2/authorize/continue" novalidate>
${hiddenFields(form)}
<div class="actions"><button type="submit" autofocus>I have saved them: continue</button></div>
</form>`,
  );
}

/** Styles of these pages, served with the sign-in page's stylesheet. */
export const SECOND_FACTOR_CSS = `[hidden]{display:none!important}button.secondary{background:#fff;color:var(--accent)}
.hint{margin:0;color:var(--muted)}.qr{display:block;background:#fff;border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem}
.key code,.codes code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1.05rem;overflow-wrap:anywhere}
.codes{columns:2;margin:0 0 1.5rem;padding-left:1.75rem}
`;
