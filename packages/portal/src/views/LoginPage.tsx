import { useRef, useState, type FormEvent } from 'react';
import { useRouter } from '../lib/router.tsx';
import { signIn } from '../lib/session.ts';

export function LoginPage() {
  const { navigate, query } = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLParagraphElement>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    const result = await signIn(String(form.get('username') ?? ''), String(form.get('password') ?? ''));
    setBusy(false);
    if (result.ok) {
      const next = query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/profile/personal', { replace: true });
      return;
    }
    setError(result.status === 429 ? 'Too many attempts. Wait a moment, then try again.' : result.message);
    requestAnimationFrame(() => errorRef.current?.focus());
  }

  return (
    <main id="main" className="login">
      <h1 id="page-title" tabIndex={-1}>Sign in to Profiled</h1>
      <form onSubmit={submit} aria-labelledby="page-title" noValidate>
        {error && <p ref={errorRef} className="form-error" role="alert" tabIndex={-1}>{error}</p>}
        <div className="field">
          <label htmlFor="username">Username or email</label>
          <input id="username" name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        </div>
      </form>
    </main>
  );
}
