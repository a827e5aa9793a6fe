import { hash, verify } from '@node-rs/argon2';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { ProfiledError, type ErrorCode } from '@profiled/core';
import type { PasswordPolicy } from '../storage/port.ts';
import { verifyHash } from './foreign-hashes.ts';

/** OWASP's minimum argon2id parameters (m=19 MiB, t=2, p=1). */
const ARGON2 = { algorithm: 2 /* Algorithm.Argon2id, a const enum */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const DEFAULT_POLICY: PasswordPolicy = { min_length: 8, max_length: 128, min_score: 2 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** A hash of nothing in particular, verified against when the account does not exist so both paths cost the same. */
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) {
    dummyHash ??= hashPassword('profiled-timing-equaliser');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verifyHash(hashed, password);
  } catch {
    return false;
  }
}

/** How every hash of ours begins; anything else (an imported hash, older parameters) is replaced at the next sign-in. */
const OWN_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;

/** Whether a stored hash is not our argon2id with today's parameters (issue 19: imported hashes). */
export function needsRehash(hashed: string): boolean {
  return !hashed.startsWith(OWN_PREFIX);
}

export interface PasswordRules {
  readonly policy: PasswordPolicy;
  readonly rules: readonly string[];
}

/**
 * The per-org password policy: length bounds, not the username or email, not a common
 * password, and a zxcvbn strength score. The first rule that fails is reported by its code.
 */
export function createPasswordChecker() {
  // Loaded and indexed on first use, not at start-up: the dictionaries hold some 12 MB of
  // the heap, and only a password being set needs them.
  let loaded: Promise<{ zxcvbn: ZxcvbnFactory; commonSet: Set<string> }> | undefined;
  const lazy = () =>
    (loaded ??= (async () => {
      const [{ ZxcvbnFactory }, common, en] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
      const zxcvbn = new ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
      });
      return { zxcvbn, commonSet: new Set(common.dictionary['passwords-common'].map((p) => p.toLowerCase())) };
    })());

  return {
    describe(policy: PasswordPolicy): string[] {
      return [
        `Between ${policy.min_length} and ${policy.max_length} characters.`,
        'Must not be or contain your username or email address.',
        'Must not be a commonly used password.',
        `Must not be easy to guess (strength score at least ${policy.min_score} of 4).`,
      ];
    },
    /** Rejects with `ProfiledError` and the failed rule's code, or resolves. */
    async check(password: string, policy: PasswordPolicy, ctx: { username?: string | null; email?: string | null }): Promise<void> {
      const fail = (code: ErrorCode, message: string) => {
        throw new ProfiledError(code, { message, issues: [{ field: 'password', code, message }] });
      };
      const length = [...password].length;
      if (length < policy.min_length) fail('password.too_short', `The password must have at least ${policy.min_length} characters.`);
      if (length > policy.max_length) fail('password.too_long', `The password must have at most ${policy.max_length} characters.`);
      const lower = password.toLowerCase();
      const username = ctx.username?.toLowerCase();
      if (username && username.length >= 3 && lower.includes(username)) {
        fail('password.contains_username', 'The password must not contain your username.');
      }
      const email = ctx.email?.toLowerCase();
      const local = email?.split('@')[0];
      if (email && (lower.includes(email) || (local && local.length >= 3 && lower.includes(local)))) {
        fail('password.contains_email', 'The password must not contain your email address.');
      }
      const { zxcvbn, commonSet } = await lazy();
      if (commonSet.has(lower)) fail('password.common', 'This password is on a list of commonly used passwords.');
      const result = zxcvbn.check(password, [ctx.username ?? '', ctx.email ?? ''].filter(Boolean));
      if (result.score < policy.min_score) {
        const hint = result.feedback.warning ? ` ${result.feedback.warning}` : '';
        fail('password.too_weak', `The password is too easy to guess.${hint}`);
      }
    },
  };
}

export type PasswordChecker = ReturnType<typeof createPasswordChecker>;

export function resolvePolicy(partial: Partial<PasswordPolicy> | undefined): PasswordPolicy {
  return { ...DEFAULT_POLICY, ...(partial ?? {}) };
}
