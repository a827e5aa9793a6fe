import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { hashSecret } from '../../auth/tokens.ts';

/** RFC 6238 as every authenticator app reads it: SHA-1, six digits, 30-second steps. */
const PERIOD = 30;
const DIGITS = 6;

const totpOf = (secret: string, label = 'Profiled', issuer = 'Profiled') =>
  new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) });

/** A new 160-bit secret (RFC 4226 §4 recommends 160), base32 as apps take it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The `otpauth://totp/…` URI an authenticator app scans (Google's Key Uri Format). */
export const otpauthUri = (secret: string, label: string, issuer: string): string => totpOf(secret, label, issuer).toString();

/** A TOTP code has exactly six digits; anything else is a recovery code or nothing. */
export const looksLikeTotp = (code: string): boolean => /^\d{6}$/.test(code.replace(/\s/g, ''));

/**
 * The time step a code belongs to, if it is the code of the step at `nowMs` or of the one
 * before or after (RFC 6238 §5.2: one step of clock drift either way); undefined otherwise.
 */
export function matchingStep(secret: string, code: string, nowMs: number): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!looksLikeTotp(token)) return undefined;
  const totp = totpOf(secret);
  const delta = totp.validate({ token, timestamp: nowMs, window: 1 });
  return delta === null ? undefined : totp.counter({ timestamp: nowMs }) + delta;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten recovery codes of ten characters (about 49 bits each), as `xxxxx-xxxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]!).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** How a recovery code is stored and looked up: case, spaces and hyphens do not matter. */
export const recoveryCodeHash = (code: string): string => hashSecret(`recovery:${code.toLowerCase().replace(/[\s-]/g, '')}`);
