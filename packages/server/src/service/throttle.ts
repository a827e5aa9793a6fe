import { ProfiledError, type ErrorCode } from '@profiled/core';
import type { Repos } from '../storage/port.ts';
import type { ServiceDeps } from './types.ts';

interface Limits {
  /** The most hits a key may take per window. */
  readonly limit: number | ((key: string) => number);
  readonly windowSeconds: number;
  /** The catalogue error a key at its limit answers with. */
  readonly code?: ErrorCode;
}

/**
 * Counters kept in the database so that every instance sees the same counts. A key at its
 * limit is refused before any work is done, with the seconds until its window ends.
 */
export function throttleGuardFor(deps: Pick<ServiceDeps, 'storage' | 'clock'>, limits: Limits) {
  const { storage, clock } = deps;
  const limitOf = typeof limits.limit === 'number' ? () => limits.limit as number : limits.limit;
  const windowMs = limits.windowSeconds * 1000;
  return {
    async check(keys: readonly string[]): Promise<void> {
      const now = clock.now().getTime();
      for (const key of keys) {
        const state = await storage.repos.peekRateLimit(key, now);
        if (state && state.count >= limitOf(key)) {
          throw new ProfiledError(limits.code ?? 'auth.rate_limited', { retryAfter: Math.max(1, Math.ceil((state.resetAt - now) / 1000)) });
        }
      }
    },
    /** Counts a hit against each key; `repos` is a transaction's, for a hit that commits with it. */
    async fail(keys: readonly string[], repos: Repos = storage.repos): Promise<void> {
      const now = clock.now().getTime();
      for (const key of keys) await repos.hitRateLimit(key, windowMs, now);
    },
    async clear(keys: readonly string[]): Promise<void> {
      for (const key of keys) await storage.repos.clearRateLimit(key);
    },
  };
}

/** Failed sign-ins and password checks: per account and per client address. */
export function throttleGuard(deps: Pick<ServiceDeps, 'storage' | 'clock' | 'settings'>) {
  const { settings } = deps;
  return throttleGuardFor(deps, {
    limit: (key) => (key.startsWith('ip:') ? settings.loginMaxFailuresPerIp : settings.loginMaxFailuresPerAccount),
    windowSeconds: settings.loginWindowSeconds,
  });
}
