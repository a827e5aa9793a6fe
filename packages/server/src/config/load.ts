import { availableParallelism } from 'node:os';
/**
 * Configuration: the only module that reads `process.env`. Every variable is parsed and
 * checked here, all problems are reported together at start-up, and the result is frozen.
 * The README's configuration table lists the same variables.
 */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  /** `NORMAL` (default) or `FULL`; see the README's durability note. */
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  /** SQLite: threads running directory searches, each with a read-only connection (0: on the main connection). */
  readonly searchThreads: number;
  /** SQLite: searches that may wait for a thread; one more answers 503 with Retry-After. */
  readonly searchQueue: number;
  /** Megabytes of rendered directory pages kept against their org's directory version (0: none). */
  readonly directoryCacheMb: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The token issuer (`iss`) and the base of absolute URLs. */
  readonly issuer: string;
  /** The audience (`aud`) access tokens are minted for and checked against. */
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly bodyLimitBytes: number;
  readonly loginMaxFailuresPerAccount: number;
  readonly loginMaxFailuresPerIp: number;
  readonly loginWindowSeconds: number;
  readonly trustProxy: boolean;
  readonly shutdownGraceMs: number;
  /** An OpenAI-compatible endpoint for summaries; without it the offline writer is used. */
  readonly aiBaseUrl: string | undefined;
  readonly aiApiKey: string | undefined;
  readonly aiModel: string;
  readonly aiTimeoutMs: number;
  readonly summaryRateLimit: number;
  /** Browser origins (`https://app.example.com`) granted CORS; empty: none, no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** Whether the token endpoint accepts `grant_type=password` (scripts, older clients). */
  readonly passwordGrant: boolean;
  /** The built member portal; the @profiled/portal package's `dist` when unset. */
  readonly portalDir: string | undefined;
  /** Account lifecycle (issue 10): SMTP for mail (`smtp://…`, `smtps://…`); unset: files in `mailDir`. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** Where the file transport writes mails when no SMTP server is configured. */
  readonly mailDir: string;
  /** An HTTP gateway text messages are POSTed to (https; http only on a loopback host); unset: files in `smsDir`. */
  readonly smsUrl: string | undefined;
  /** Sent to the gateway as a bearer token; never logged. */
  readonly smsToken: string | undefined;
  /** Where the file transport writes text messages when no gateway is configured. */
  readonly smsDir: string;
  /** How often the in-process outbox sender looks for due messages, ms. */
  readonly outboxPollMs: number;
  /** How long a claimed message is the claimer's before another process may take it, ms. */
  readonly outboxLeaseMs: number;
  /** The first retry's delay, ms; each further retry doubles it (at most an hour). */
  readonly outboxRetryBaseMs: number;
  readonly outboxMaxAttempts: number;
  readonly webhookTimeoutMs: number;
  readonly deletionGraceDays: number;
  readonly verificationCodeTtlSeconds: number;
  readonly verificationMaxAttempts: number;
  /** Seconds a password-reset link is good for (issue 19). */
  readonly passwordResetTtlSeconds: number;
  /** Seconds an invitation's set-password link is good for. */
  readonly invitationTtlSeconds: number;
  /** The fields a person's new value must be proven for before it applies: `email` (default), `mobile_phone` (opt-in). */
  readonly verifyChanges: readonly string[];
  /** An outside OpenID Provider whose access tokens are accepted (its exact `iss`); unset: none. */
  readonly oidcTrustedIssuer: string | undefined;
  /** The `aud` its tokens must carry; required with the issuer. */
  readonly oidcTrustedAudience: string | undefined;
  /** The org slug of accounts created on a subject's first sight. */
  readonly oidcTrustedOrg: string;
  /** Its JWK Set; unset: the `jwks_uri` of its discovery document. */
  readonly oidcTrustedJwksUrl: string | undefined;
  /** The least time between two JWKS fetches caused by an unknown `kid`, ms. */
  readonly oidcTrustedJwksCooldownMs: number;
  /** Uploads (issue 23): the largest picture accepted, bytes (413 above). */
  readonly pictureMaxBytes: number;
  /** The most pixels (width × height) a picture may have; more is refused before decoding (422). */
  readonly pictureMaxPixels: number;
  /** The largest résumé accepted, bytes. */
  readonly resumeMaxBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** `defaults` replace the built-in defaults (the CLI logs less); `overrides` win over everything. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}, defaults: Partial<Pick<Config, 'logLevel'>> = {}): Config {
  const problems: string[] = [];
  const str = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const oneOf = <T extends string>(name: string, fallback: T, values: readonly T[]): T => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const v = (values.find((x) => x.toLowerCase() === raw.toLowerCase()));
    if (!v) problems.push(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
    return v ?? fallback;
  };

  const host = str('HOST', '127.0.0.1');
  const port = int('PORT', 8080, 0, 65535);
  const databaseUrl = str('DATABASE_URL', 'sqlite:./data/profiled.db');
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push(`DATABASE_URL must start with sqlite: or postgres:// (got "${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}")`);
  }
  const issuer = str('PUBLIC_URL', `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  try {
    const u = new URL(issuer);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    problems.push(`PUBLIC_URL must be an absolute http(s) URL (got "${issuer}")`);
  }
  const corsOrigins = (env['CORS_ORIGINS'] ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) if (!isOrigin(origin)) problems.push(`CORS_ORIGINS entries must be origins like https://app.example.com: http(s), host and optional port, no path or trailing slash (got "${origin}")`);
  const config: Config = {
    host,
    port,
    databaseUrl,
    sqliteSynchronous: oneOf('SQLITE_SYNCHRONOUS', 'NORMAL', ['NORMAL', 'FULL'] as const),
    searchThreads: int('SEARCH_THREADS', availableParallelism(), 0, 64),
    searchQueue: int('SEARCH_QUEUE', 256, 0, 100_000),
    directoryCacheMb: int('DIRECTORY_CACHE_MB', 32, 0, 4096),
    logLevel: oneOf('LOG_LEVEL', defaults.logLevel ?? 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    issuer,
    audience: str('TOKEN_AUDIENCE', 'profiled'),
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL', 900, 30, 86_400),
    refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL', 30 * 86_400, 60, 366 * 86_400),
    bodyLimitBytes: int('BODY_LIMIT', 65_536, 1024, 10 * 1024 * 1024),
    loginMaxFailuresPerAccount: int('LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1, 1_000_000),
    loginMaxFailuresPerIp: int('LOGIN_MAX_FAILURES_PER_IP', 50, 1, 1_000_000),
    loginWindowSeconds: int('LOGIN_WINDOW', 900, 1, 86_400),
    trustProxy: oneOf('TRUST_PROXY', 'false', ['true', 'false'] as const) === 'true',
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    aiBaseUrl: env['AI_BASE_URL']?.trim() || undefined,
    aiApiKey: env['AI_API_KEY']?.trim() || undefined,
    aiModel: str('AI_MODEL', 'gpt-4o-mini'),
    aiTimeoutMs: int('AI_TIMEOUT_MS', 20_000, 100, 600_000),
    summaryRateLimit: int('SUMMARY_RATE_LIMIT', 20, 1, 100_000),
    corsOrigins: Object.freeze([...new Set(corsOrigins)]),
    passwordGrant: oneOf('PASSWORD_GRANT', 'true', ['true', 'false'] as const) === 'true',
    portalDir: env['PORTAL_DIR']?.trim() || undefined,
    smtpUrl: env['SMTP_URL']?.trim() || undefined,
    mailFrom: str('MAIL_FROM', 'Profiled <no-reply@profiled.invalid>'),
    mailDir: str('MAIL_DIR', './data/mail'),
    smsUrl: env['SMS_URL']?.trim() || undefined,
    smsToken: env['SMS_TOKEN']?.trim() || undefined,
    smsDir: str('SMS_DIR', './data/sms'),
    outboxPollMs: int('OUTBOX_POLL_MS', 1000, 10, 3_600_000),
    outboxLeaseMs: int('OUTBOX_LEASE_MS', 60_000, 100, 3_600_000),
    outboxRetryBaseMs: int('OUTBOX_RETRY_BASE_MS', 2000, 1, 3_600_000),
    outboxMaxAttempts: int('OUTBOX_MAX_ATTEMPTS', 10, 1, 100),
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    deletionGraceDays: int('DELETION_GRACE_DAYS', 14, 0, 365),
    verificationCodeTtlSeconds: int('VERIFICATION_CODE_TTL', 900, 30, 86_400),
    verificationMaxAttempts: int('VERIFICATION_MAX_ATTEMPTS', 5, 1, 100),
    passwordResetTtlSeconds: int('PASSWORD_RESET_TTL', 1800, 60, 86_400),
    invitationTtlSeconds: int('INVITATION_TTL', 604_800, 3600, 90 * 86_400),
    verifyChanges: verifyChanges(env['VERIFY_CHANGES'], problems),
    oidcTrustedIssuer: env['OIDC_TRUSTED_ISSUER']?.trim() || undefined,
    oidcTrustedAudience: env['OIDC_TRUSTED_AUDIENCE']?.trim() || undefined,
    oidcTrustedOrg: str('OIDC_TRUSTED_ORG', 'default'),
    oidcTrustedJwksUrl: env['OIDC_TRUSTED_JWKS_URL']?.trim() || undefined,
    oidcTrustedJwksCooldownMs: int('OIDC_TRUSTED_JWKS_COOLDOWN_MS', 30_000, 0, 3_600_000),
    pictureMaxBytes: int('PICTURE_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    pictureMaxPixels: int('PICTURE_MAX_PIXELS', 50_000_000, 4096, 500_000_000),
    resumeMaxBytes: int('RESUME_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    ...overrides,
  };
  problems.push(...trustedIssuerProblems(config));
  const smsUrl = urlProblem('SMS_URL', config.smsUrl);
  if (smsUrl) problems.push(smsUrl);
  if (config.smsToken && !config.smsUrl) problems.push('SMS_TOKEN needs SMS_URL');
  if (config.aiBaseUrl && !/^https?:\/\/[^\s]+$/.test(config.aiBaseUrl)) problems.push(`AI_BASE_URL must be an http(s) URL (got "${config.aiBaseUrl}")`);
  if (config.smtpUrl && !/^smtps?:\/\/[^\s]+$/.test(config.smtpUrl)) problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/**
 * VERIFY_CHANGES: a comma-separated subset of `email,mobile_phone`, or `none`; `email` by
 * default. Only the login email waits for its code unless asked: no seed system verifies a
 * phone, and seed 000 takes a mobile number "in any format", stored and read back at once.
 */
function verifyChanges(raw: string | undefined, problems: string[]): readonly string[] {
  const known = ['email', 'mobile_phone'];
  if (raw === undefined || raw.trim() === '') return ['email'];
  if (raw.trim() === 'none') return [];
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) problems.push(`VERIFY_CHANGES lists unknown fields ${unknown.join(', ')} (known: ${known.join(', ')}, or none)`);
  return [...new Set(names.filter((n) => known.includes(n)))];
}

/** A URL secrets or codes travel to: https, or plain http only on a loopback host. */
function urlProblem(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return `${name} must be an absolute http(s) URL (got "${value}")`;
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return `${name} must be an https URL (http only on a loopback host; got "${value}")`;
  return undefined;
}

/** OIDC_TRUSTED_*: the issuer and its JWKS over https (plain http only on a loopback host), an audience with an issuer. */
function trustedIssuerProblems(c: Config): string[] {
  const problems: string[] = [];
  const check = (name: string, value: string | undefined) => {
    const problem = urlProblem(name, value);
    if (problem) problems.push(problem);
  };
  check('OIDC_TRUSTED_ISSUER', c.oidcTrustedIssuer);
  check('OIDC_TRUSTED_JWKS_URL', c.oidcTrustedJwksUrl);
  if (c.oidcTrustedIssuer && c.oidcTrustedIssuer.replace(/\/+$/, '') === c.issuer) problems.push('OIDC_TRUSTED_ISSUER must be another issuer than PUBLIC_URL (Profiled itself)');
  if (c.oidcTrustedIssuer && !c.oidcTrustedAudience) problems.push('OIDC_TRUSTED_AUDIENCE is required with OIDC_TRUSTED_ISSUER (the aud its access tokens carry for Profiled)');
  if (!c.oidcTrustedIssuer && (c.oidcTrustedAudience || c.oidcTrustedJwksUrl)) problems.push('OIDC_TRUSTED_AUDIENCE and OIDC_TRUSTED_JWKS_URL need OIDC_TRUSTED_ISSUER');
  return problems;
}

/** An origin exactly as a browser sends it in `Origin`: `http(s)://host[:port]`, lower case, nothing after. */
function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === value;
  } catch {
    return false;
  }
}
