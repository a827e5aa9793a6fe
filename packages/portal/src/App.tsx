import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Link, RouterProvider, useRouter } from './lib/router.tsx';
import { isSignedIn, onSessionChange, refresh, signOut } from './lib/session.ts';
import { ToastProvider } from './lib/toast.tsx';
import { reloadMe } from './lib/me.ts';
import { Me } from './views/Me.tsx';
import { DirectoryPage } from './views/DirectoryPage.tsx';
import { DirectoryProfilePage } from './views/DirectoryProfilePage.tsx';
import { LoginPage } from './views/LoginPage.tsx';
import { ProfileSwitcher } from './views/ProfileSwitcher.tsx';
import { BillingInformationPage } from './views/user/BillingInformationPage.tsx';
import { CredentialsPage } from './views/user/CredentialsPage.tsx';
import { NotificationsPage } from './views/user/NotificationsPage.tsx';
import { PersonalInformationPage } from './views/user/PersonalInformationPage.tsx';
import { ProfessionalProfilePage } from './views/user/ProfessionalProfilePage.tsx';

/** The profile pages, in the order of the seed's portal; their fields come from the registry. */
const PROFILE_PAGES = [
  { path: '/profile/personal', title: 'Personal information', Page: PersonalInformationPage },
  { path: '/profile/professional', title: 'Professional profile', Page: ProfessionalProfilePage },
  { path: '/profile/billing', title: 'Billing information', Page: BillingInformationPage },
  { path: '/profile/notifications', title: 'Notifications', Page: NotificationsPage },
  { path: '/profile/credentials', title: 'Credentials', Page: CredentialsPage },
] as const;

function Shell() {
  const { path, navigate } = useRouter();
  const signedIn = useSyncExternalStore(onSessionChange, isSignedIn);
  const [generation, setGeneration] = useState(0);
  const [profileTitle, setProfileTitle] = useState('Member profile');
  const heading = useRef<HTMLHeadingElement>(null);

  const page = PROFILE_PAGES.find((p) => p.path === path);
  const directoryId = /^\/directory\/([^/]+)$/.exec(path)?.[1];
  const title = page?.title ?? (directoryId ? profileTitle : path.startsWith('/directory') ? 'Member directory' : 'Profiled');

  const signingIn = path === '/login' || path === '/login/callback';
  useEffect(() => {
    if (!signedIn && !signingIn) navigate(`/login${path !== '/' ? `?next=${encodeURIComponent(path + window.location.search)}` : ''}`, { replace: true });
    else if (signedIn && (path === '/' || path === '/profile' || path === '/login')) navigate('/profile/personal', { replace: true });
  }, [signedIn, signingIn, path, navigate]);
  useEffect(() => {
    document.title = `${title} · Profiled`;
  }, [title]);
  // A new page moves the focus to its heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, [path]);

  if (!signedIn) return signingIn ? <LoginPage /> : null;
  // Signed in by the callback a moment before it moves on to where sign-in began.
  if (path === '/login/callback') return null;

  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <p className="brand"><Link to="/profile/personal">Profiled</Link></p>
        <nav aria-label="Main">
          <ul>
            <li><Link to="/profile/personal" aria-current={page ? 'page' : undefined}>My profile</Link></li>
            <li><Link to="/directory" aria-current={path.startsWith('/directory') ? 'page' : undefined}>Directory</Link></li>
          </ul>
        </nav>
        <Me />
        <ProfileSwitcher onSwitched={() => { setGeneration((g) => g + 1); void reloadMe(); }} />
        <button type="button" className="secondary" onClick={() => void signOut().then(() => navigate('/login'))}>Sign out</button>
      </header>
      <div className="layout">
        {page && (
          <nav className="pages" aria-label="Profile sections">
            <ul>{PROFILE_PAGES.map((p) => <li key={p.path}><Link to={p.path}>{p.title}</Link></li>)}</ul>
          </nav>
        )}
        <main id="main" key={generation}>
          <h1 id="page-title" ref={heading} tabIndex={-1}>{title}</h1>
          {page ? <page.Page /> : directoryId ? <DirectoryProfilePage id={decodeURIComponent(directoryId)} onTitle={setProfileTitle} /> : path.startsWith('/directory') ? <DirectoryPage /> : <p>There is no page here. <Link to="/profile/personal">Go to your profile</Link>.</p>}
        </main>
      </div>
    </>
  );
}

export function App() {
  const [ready, setReady] = useState(false);
  // A reload keeps you signed in: the refresh cookie is traded for a new access token.
  // On the sign-in callback the code exchange is what signs in.
  useEffect(() => {
    if (window.location.pathname === '/login/callback') setReady(true);
    else void refresh().finally(() => setReady(true));
  }, []);
  if (!ready) return <p className="splash" aria-busy="true">Loading…</p>;
  return (
    <RouterProvider>
      <ToastProvider>
        <Shell />
      </ToastProvider>
    </RouterProvider>
  );
}
