import { ProfiledError } from '@profiled/core';
import type { ServiceDeps } from './types.ts';

/**
 * Failure counters for logins and password checks, kept in the database so that every
 * instance sees the same counts. A key at its limit is refused before any password is
 * checked, with the seconds until its window ends.
 */
export function throttleGuard(deps: Pick<ServiceDeps, 'storage' | 'clock' | 'settings'>) {
  const { storage, clock, settings } = deps;
  const limitOf = (key: string) => (key.startsWith('ip:') ? settings.loginMaxFailuresPerIp : settings.loginMaxFailuresPerAccount);
  const windowMs = settings.loginWindowSeconds * 1000;
  return {
    async check(keys: readonly string[]): Promise<void> {
      const now = clock.now().getTime();
      for (const key of keys) {
        const state = await storage.repos.peekRateLimit(key, now);
        if (state && state.count >= limitOf(key)) {
          throw new ProfiledError('auth.rate_limited', { retryAfter: Math.max(1, Math.ceil((state.resetAt - now) / 1000)) });
        }
      }
    },
    async fail(keys: readonly string[]): Promise<void> {
      const now = clock.now().getTime();
      for (const key of keys) await storage.repos.hitRateLimit(key, windowMs, now);
    },
    async clear(keys: readonly string[]): Promise<void> {
      for (const key of keys) await storage.repos.clearRateLimit(key);
    },
  };
}
