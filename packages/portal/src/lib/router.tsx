import { createContext, useCallback, useContext, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/**
 * A small history router: the portal has a handful of paths, and a guard for unsaved
 * changes that asks before any in-app navigation, the back button included.
 */
type Guard = () => boolean;
const guards = new Set<Guard>();
const mayLeave = () => [...guards].every((g) => g());

interface Router {
  readonly path: string;
  readonly query: URLSearchParams;
  navigate(to: string, opts?: { replace?: boolean }): void;
}

const RouterContext = createContext<Router | null>(null);

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(() => window.location.pathname + window.location.search);
  useEffect(() => {
    let current = window.location.pathname + window.location.search;
    const onPop = () => {
      const next = window.location.pathname + window.location.search;
      if (!mayLeave()) {
        window.history.pushState(null, '', current);
        return;
      }
      current = next;
      setLocation(next);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string, opts: { replace?: boolean } = {}) => {
    if (to === window.location.pathname + window.location.search) return;
    if (!mayLeave()) return;
    window.history[opts.replace ? 'replaceState' : 'pushState'](null, '', to);
    setLocation(to);
  }, []);
  const url = new URL(location, window.location.origin);
  return <RouterContext.Provider value={{ path: url.pathname, query: url.searchParams, navigate }}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter outside RouterProvider');
  return router;
}

/** Asks before leaving (in the app or the tab) while `dirty` holds. */
export function useLeaveGuard(dirty: boolean, message = 'You have unsaved changes. Leave without saving?'): void {
  useEffect(() => {
    if (!dirty) return;
    const guard = () => window.confirm(message);
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    guards.add(guard);
    window.addEventListener('beforeunload', onUnload);
    return () => {
      guards.delete(guard);
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [dirty, message]);
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate, path } = useRouter();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} aria-current={path === to ? 'page' : undefined} {...rest}>
      {children}
    </a>
  );
}
