import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { verify as verifyArgon2 } from '@node-rs/argon2';
import { compare as compareBcrypt } from 'bcryptjs';

/**
 * The password hashes other systems export, which a bulk import stores as given (issue 19):
 * argon2id and argon2i PHC strings, bcrypt (`$2a$`, `$2b$`, `$2y$`) and Django's
 * `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`. Each is verified at sign-in and then
 * replaced by our own argon2id (see passwords.ts, needsRehash).
 */
export type HashFormat = 'argon2id' | 'argon2i' | 'bcrypt' | 'pbkdf2_sha256';

const B64 = '[A-Za-z0-9+/]+={0,2}';
const ARGON2_PARAMS = String.raw`\$v=\d{1,3}\$m=\d{1,9},t=\d{1,5},p=\d{1,3}\$`;
const FORMATS: readonly (readonly [HashFormat, RegExp])[] = [
  ['argon2id', new RegExp(`^\\$argon2id${ARGON2_PARAMS}${B64}\\$${B64}$`)],
  ['argon2i', new RegExp(`^\\$argon2i${ARGON2_PARAMS}${B64}\\$${B64}$`)],
  // Cost 4-31, then 22 characters of salt and 31 of hash in bcrypt's own base64.
  ['bcrypt', /^\$2[aby]\$(?:0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/],
  // Django's salt is alphanumeric; up to 10 million iterations (Django 5 uses about one million).
  ['pbkdf2_sha256', new RegExp(`^pbkdf2_sha256\\$[1-9]\\d{0,7}\\$[A-Za-z0-9./+=_-]{1,128}\\$${B64}$`)],
];

/** Which supported format `hash` is in, or undefined (then an import refuses it). */
export function hashFormat(hash: string): HashFormat | undefined {
  return FORMATS.find(([, shape]) => shape.test(hash))?.[0];
}

const pbkdf2Async = promisify(pbkdf2);

/** Whether `password` matches `hash` in any supported format; false for an unknown format. */
export async function verifyHash(hash: string, password: string): Promise<boolean> {
  switch (hashFormat(hash)) {
    case 'argon2id':
    case 'argon2i':
      return verifyArgon2(hash, password);
    case 'bcrypt':
      // bcryptjs reads $2y$ (PHP's name for $2b$) as the same algorithm.
      return compareBcrypt(password, hash);
    case 'pbkdf2_sha256': {
      const [, iterations, salt, expected] = hash.split('$') as [string, string, string, string];
      const want = Buffer.from(expected, 'base64');
      const got = await pbkdf2Async(password, salt, Number(iterations), want.length || 32, 'sha256');
      return want.length > 0 && timingSafeEqual(got, want);
    }
    default:
      return false;
  }
}
