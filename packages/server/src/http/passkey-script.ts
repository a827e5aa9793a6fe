/**
 * The sign-in page's only script (served from this origin: the CSP allows no inline one):
 * shows the passkey button where the browser has WebAuthn, asks the server for options, runs
 * `navigator.credentials.get` and posts the assertion (base64url, as
 * @simplewebauthn/server reads it) in the passkey form. Without it the page works as before.
 */
export const PASSKEY_SCRIPT = `(() => {
  'use strict';
  const form = document.getElementById('passkey-form');
  const actions = document.getElementById('passkey-actions');
  const button = document.getElementById('passkey-button');
  const error = document.getElementById('passkey-error');
  if (!form || !actions || !button || !error || !window.PublicKeyCredential) return;
  actions.hidden = false;
  const text = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  const bytes = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  button.addEventListener('click', async () => {
    error.hidden = true;
    button.disabled = true;
    try {
      const challenge = form.elements.namedItem('challenge');
      const res = await fetch('/oauth/v2/passkey/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(challenge ? { challenge: challenge.value } : {}) });
      if (!res.ok) throw new Error('no options');
      const o = await res.json();
      const credential = await navigator.credentials.get({
        publicKey: {
          challenge: bytes(o.challenge),
          rpId: o.rpId,
          timeout: o.timeout,
          userVerification: o.userVerification,
          allowCredentials: (o.allowCredentials || []).map((c) => ({ type: 'public-key', id: bytes(c.id), transports: c.transports })),
        },
      });
      const r = credential.response;
      form.elements.namedItem('assertion').value = JSON.stringify({
        id: credential.id,
        rawId: text(credential.rawId),
        type: credential.type,
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
        response: { clientDataJSON: text(r.clientDataJSON), authenticatorData: text(r.authenticatorData), signature: text(r.signature), userHandle: r.userHandle ? text(r.userHandle) : undefined },
      });
      form.submit();
    } catch {
      error.textContent = 'The passkey did not sign you in. Try again, or use your password.';
      error.hidden = false;
      button.disabled = false;
      button.focus();
    }
  });
})();
`;
