import { useEffect, useRef, useState } from 'react';
import { useRouter } from '../lib/router.tsx';
import { beginSignIn, completeSignIn } from '../lib/session.ts';

const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/profile/personal');

/** `/login` sends the person to the server's sign-in page (authorization code + PKCE); `/login/callback` finishes. */
export function LoginPage() {
  const { path, query, navigate } = useRouter();
  const [error, setError] = useState<string>();
  const started = useRef(false);
  const callback = path === '/login/callback';

  useEffect(() => {
    // Once per page: React's development double effects must not start two flows.
    if (started.current) return;
    started.current = true;
    if (callback) {
      void completeSignIn(query).then((r) => (r.ok ? navigate(safeNext(r.next), { replace: true }) : setError(r.message)));
    } else {
      void beginSignIn(safeNext(query.get('next')));
    }
  }, [callback, query, navigate]);

  return (
    <main id="main" className="login">
      <h1 id="page-title" tabIndex={-1}>Sign in to Profiled</h1>
      {error ? (
        <>
          <p className="form-error" role="alert">{error}</p>
          <div className="actions">
            <button type="button" onClick={() => void beginSignIn('/profile/personal')}>Sign in again</button>
            {/* A server page (no script needed), like the sign-in page it sits beside. */}
            <a href="/account/forgot-password">Forgot your password?</a>
          </div>
        </>
      ) : (
        <p aria-busy="true">{callback ? 'Finishing sign-in…' : 'Taking you to the sign-in page…'}</p>
      )}
    </main>
  );
}
