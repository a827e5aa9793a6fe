import { isIP } from 'node:net';
import { ProfiledError } from '@profiled/core';
import type { Principal, ServiceDeps } from './types.ts';

/** Where a sign-in comes from, as the device list and the new-device notice tell it. */
export interface SignInOrigin {
  readonly ip: string;
  readonly userAgent?: string | undefined;
  /** The OAuth client that asked (none for a bare password grant). */
  readonly clientId?: string | null | undefined;
}

/** A session as `GET /v1/me/sessions` shows it. */
export interface DeviceView {
  readonly id: string;
  readonly created_at: string;
  readonly last_seen_at: string;
  readonly client: { readonly id: string; readonly name: string | null } | null;
  readonly user_agent: string | null;
  readonly ip: string | null;
  readonly amr: readonly string[];
  readonly current: boolean;
}

const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  // HeadlessChrome too.
  [/Chrom(e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*Safari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/^python-requests\/|^Python-urllib\//, 'Python'],
  [/^node(-fetch)?\b|^undici\b/i, 'Node.js'],
];
const SYSTEMS: readonly [RegExp, string][] = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b/, 'Linux'],
];

/** "Firefox on Linux", "curl": what a person recognises, not the whole header (which fingerprints). */
export function summariseUserAgent(header: string | undefined): string | null {
  const ua = (header ?? '').trim();
  if (!ua) return null;
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser ?? system) return (browser ?? system)!;
  // Only the product token, printable ASCII, bounded.
  return ua.split(/[\s/]/)[0]!.replace(/[^\x21-\x7e]/g, '').slice(0, 40) || null;
}

/** The client address with its last part hidden: `203.0.113.x`, or an IPv6 address's first four groups. */
export function maskIp(ip: string): string | null {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+)\.\d+$/i.exec(ip);
  if (v4) return `${v4[1]}.x`;
  if (isIP(ip) !== 6) return null;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const groups = [...head.split(':').filter(Boolean), ...Array(8).fill('0')].slice(0, 8 - (tail ? tail.split(':').length : 0));
  const full = [...groups, ...(tail ? tail.split(':') : [])];
  return `${full.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::x`;
}

/**
 * The devices signed in on an account: its live sessions (not ended, with a refresh token
 * still able to work), and ending one, or all but the caller's. An ended session's access
 * tokens stop at once: the bearer check reads the session on every request.
 */
export function createDeviceService(deps: ServiceDeps) {
  const { storage, clock, settings } = deps;
  const ownSession = (principal: Principal) => {
    if (!principal.sessionId) throw new ProfiledError('auth.forbidden', { message: 'This needs a Profiled session; a token of the outside identity provider or an API key has none.' });
    return principal.sessionId;
  };

  return {
    async list(principal: Principal): Promise<DeviceView[]> {
      const oldest = clock.now().getTime() - settings.refreshTokenTtlSeconds * 1000;
      const rows = await storage.repos.listLiveSessionsOf(principal.accountId);
      return rows
        // A session opened for an authorization code that was never redeemed has had no tokens (amr is set from 0013 on).
        .filter((r) => r.id === principal.sessionId || !(r.amr !== null && r.last_seen_at === null))
        .filter((r) => r.id === principal.sessionId || new Date(r.last_seen_at ?? r.created_at).getTime() > oldest)
        .map((r) => ({
          id: r.id,
          created_at: r.created_at,
          last_seen_at: r.last_seen_at ?? r.created_at,
          client: r.client_id ? { id: r.client_id, name: r.client_name } : null,
          user_agent: r.user_agent,
          ip: r.ip,
          amr: r.amr ? r.amr.split(' ') : ['pwd'],
          current: r.id === principal.sessionId,
        }));
    },

    /** Ends one of the account's sessions (the caller's own too: that is signing out). */
    async end(principal: Principal, sessionId: string): Promise<void> {
      ownSession(principal);
      const session = /^[0-9a-f-]{36}$/i.test(sessionId) ? await storage.repos.findSession(sessionId) : undefined;
      if (!session || session.account_id !== principal.accountId || session.revoked_at) throw new ProfiledError('session.not_found');
      await storage.repos.revokeSession(sessionId, clock.now().toISOString());
    },

    /** Ends every session of the account but the caller's; answers how many. */
    async endOthers(principal: Principal): Promise<number> {
      return storage.repos.revokeSessionsOf(principal.accountId, clock.now().toISOString(), ownSession(principal));
    },
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
