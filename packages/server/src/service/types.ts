import type { CompiledRegistry } from '@profiled/core';
import type { ExternalIssuer } from '../auth/external-issuer.ts';
import type { PasswordChecker } from '../auth/passwords.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { AccountKind, Storage } from '../storage/port.ts';

/** Who is calling, as established by the bearer credential. */
export interface Principal {
  readonly accountId: string;
  readonly kind: AccountKind;
  /** The active profile: the only one `me` operations read or change. */
  readonly profileId: string;
  readonly orgId: string;
  /** The session (refresh-token family); absent for API keys and outside tokens. */
  readonly sessionId: string | null;
  /** `external`: an access token of the trusted outside identity provider (OIDC_TRUSTED_ISSUER). */
  readonly via: 'token' | 'api_key' | 'external';
}

export interface Clock {
  now(): Date;
}

/** Where AI-written summaries come from, and how often an account may ask. */
export interface SummarySettings {
  readonly aiBaseUrl: string | undefined;
  readonly aiApiKey: string | undefined;
  readonly aiModel: string;
  readonly aiTimeoutMs: number;
  /** Generations per account per hour. */
  readonly summaryRateLimit: number;
}

/** The account lifecycle (issue 10): verified changes, deletion, links in mails. */
export interface LifecycleSettings {
  /** The external base URL, for links in mails. */
  readonly issuer: string;
  readonly deletionGraceDays: number;
  readonly verificationCodeTtlSeconds: number;
  readonly verificationMaxAttempts: number;
  /** Which of `email` and `mobile_phone` a person's write keeps pending until its code (VERIFY_CHANGES). */
  readonly verifyChanges: readonly string[];
  /** Seconds a password-reset link is good for (issue 19), and an invitation's. */
  readonly passwordResetTtlSeconds: number;
  readonly invitationTtlSeconds: number;
}

/** Uploaded pictures and résumés (issue 23): how large they may be. URLs are built on `issuer`. */
export interface UploadSettings {
  readonly pictureMaxBytes: number;
  readonly pictureMaxPixels: number;
  readonly resumeMaxBytes: number;
}

export interface ThrottleSettings extends SummarySettings, LifecycleSettings, UploadSettings {
  readonly loginMaxFailuresPerAccount: number;
  readonly loginMaxFailuresPerIp: number;
  readonly loginWindowSeconds: number;
  readonly refreshTokenTtlSeconds: number;
}

/** What every service is built from; assembled once in the composition root. */
export interface ServiceDeps {
  readonly storage: Storage;
  readonly registry: CompiledRegistry;
  readonly clock: Clock;
  readonly passwords: PasswordChecker;
  readonly tokens: TokenService;
  readonly settings: ThrottleSettings;
  /** The trusted outside identity provider and the org slug of the accounts it brings; absent: none. */
  readonly external?: { readonly issuer: ExternalIssuer; readonly orgSlug: string } | undefined;
  /** Bytes of rendered directory pages to keep (directory-pages.ts); 0 keeps none. */
  readonly directoryPageBytes?: number;
}

export const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);
