import { randomUUID } from 'node:crypto';
import { ProfiledError } from '@profiled/core';
import { verifyPassword } from '../../auth/passwords.ts';
import type { AccountRow, FactorRow, Repos } from '../../storage/port.ts';
import { throttleGuard } from '../throttle.ts';
import type { Principal, ServiceDeps } from '../types.ts';
import { queueSecurityNotice } from './notices.ts';
import { qrSvg } from './qr.ts';
import { looksLikeTotp, matchingStep, newRecoveryCodes, newTotpSecret, otpauthUri, recoveryCodeHash } from './totp.ts';

/** A factor as `GET /v1/me/mfa` lists it: never its secret. */
export interface FactorView {
  readonly id: string;
  readonly kind: 'totp' | 'passkey';
  /** A passkey's name. */
  readonly name?: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

export interface MfaStatus {
  readonly factors: readonly FactorView[];
  readonly recovery_codes_left: number;
  /** Whether the org of the active profile requires a second factor. */
  readonly required: boolean;
}

export interface TotpEnrolment {
  readonly secret: string;
  readonly otpauth_uri: string;
  /** The QR code of `otpauth_uri`, an SVG document drawn by the server. */
  readonly qr_svg: string;
}

export interface SecurityPolicy {
  readonly mfa: 'required' | 'optional';
  readonly new_device_notice: boolean;
}

/** Which code a sign-in or a removal was proven with. */
export type CodeKind = 'totp' | 'recovery';

/**
 * TOTP second factors (RFC 6238) and their recovery codes. An enrolment is live only once
 * its first code is entered; each code's time step is used at most once (a replay within
 * the ±1-step window is refused), and each recovery code once. Wrong codes count against
 * the sign-in throttle (`login:<account>`), as wrong passwords do.
 */
export function createMfaService(deps: ServiceDeps) {
  const { storage, clock, settings } = deps;
  const throttle = throttleGuard(deps);
  const nowIso = () => clock.now().toISOString();
  const confirmed = (factors: readonly FactorRow[]) => factors.filter((f) => f.confirmed_at !== null);
  /** Live factors of every kind: authenticator apps and passkeys. */
  const liveFactors = async (repos: Repos, accountId: string) => confirmed(await repos.listFactorsOf(accountId)).length + (await repos.listPasskeysOf(accountId)).length;
  const wrongCode = () => new ProfiledError('mfa.code_invalid', { issues: [{ field: 'code', code: 'mfa.code_invalid', message: 'The code is not correct, or it was used already.' }] });

  async function account(id: string): Promise<AccountRow> {
    const row = await storage.repos.findAccount(id);
    if (!row) throw new ProfiledError('account.not_found');
    return row;
  }

  async function checkPassword(accountRow: AccountRow, password: unknown): Promise<void> {
    if (typeof password !== 'string' || password === '') throw new ProfiledError('password.required', { issues: [{ field: 'current_password', code: 'password.required', message: 'Enter your current password.' }] });
    const key = `password:${accountRow.id}`;
    await throttle.check([key]);
    if (!(await verifyPassword(accountRow.password_hash, password))) {
      await throttle.fail([key]);
      throw new ProfiledError('password.incorrect', { issues: [{ field: 'current_password', code: 'password.incorrect', message: 'The current password is incorrect.' }] });
    }
    await throttle.clear([key]);
  }

  /**
   * Checks a TOTP or recovery code of the account and uses it up: answers which kind it was,
   * or undefined (nothing used). A recovery code used is mailed about.
   */
  async function useCode(accountRow: AccountRow, code: string, repos: Repos = storage.repos): Promise<CodeKind | undefined> {
    const at = nowIso();
    if (looksLikeTotp(code)) {
      for (const factor of confirmed(await repos.listFactorsOf(accountRow.id))) {
        const step = matchingStep(factor.secret, code, clock.now().getTime());
        if (step !== undefined && (await repos.useFactorStep(factor.id, step, at))) return 'totp';
      }
      return undefined;
    }
    if (code.length > 64 || !(await repos.useRecoveryCode(accountRow.id, recoveryCodeHash(code), at))) return undefined;
    const left = await repos.countRecoveryCodes(accountRow.id);
    await queueSecurityNotice(repos, at, accountRow, 'recovery_code_used', `${left} recovery code${left === 1 ? '' : 's'} left`);
    return 'recovery';
  }

  /** {@link useCode} behind the sign-in throttle: a wrong code counts as a wrong password does. */
  async function useCodeThrottled(accountRow: AccountRow, code: unknown, extraKeys: readonly string[] = []): Promise<CodeKind> {
    const keys = [`login:${accountRow.id}`, ...extraKeys];
    await throttle.check(keys);
    const kind = typeof code === 'string' && code.trim() !== '' ? await storage.transaction((tx) => useCode(accountRow, code.trim(), tx)) : undefined;
    if (!kind) {
      await throttle.fail(keys);
      throw wrongCode();
    }
    return kind;
  }

  /**
   * Starts (or starts again) an enrolment: a new secret, live only after its first code.
   * With `reuse`, the one already waiting is shown again (a sign-in page after a wrong code).
   */
  async function enrol(accountRow: AccountRow, opts: { reuse?: boolean } = {}): Promise<TotpEnrolment> {
    const factors = await storage.repos.listFactorsOf(accountRow.id);
    if (confirmed(factors).some((f) => f.kind === 'totp')) throw new ProfiledError('mfa.already_enrolled');
    const waiting = opts.reuse ? factors.find((f) => f.confirmed_at === null) : undefined;
    const secret = waiting?.secret ?? newTotpSecret();
    if (!waiting) {
      await storage.transaction(async (tx) => {
        await tx.deleteUnconfirmedFactorsOf(accountRow.id);
        await tx.insertFactor({ id: randomUUID(), account_id: accountRow.id, kind: 'totp', secret, confirmed_at: null, last_step: null, created_at: nowIso(), last_used_at: null });
      });
    }
    const uri = otpauthUri(secret, accountRow.email ?? accountRow.username, new URL(settings.issuer).host);
    return { secret, otpauth_uri: uri, qr_svg: await qrSvg(uri) };
  }

  /** The first code makes the waiting enrolment live; answers ten new recovery codes, shown this once. */
  async function confirm(accountRow: AccountRow, code: unknown, extraKeys: readonly string[] = []): Promise<{ recovery_codes: string[] }> {
    const pending = (await storage.repos.listFactorsOf(accountRow.id)).find((f) => f.confirmed_at === null);
    if (!pending) throw new ProfiledError('mfa.no_enrolment');
    const keys = [`login:${accountRow.id}`, ...extraKeys];
    await throttle.check(keys);
    const step = typeof code === 'string' ? matchingStep(pending.secret, code, clock.now().getTime()) : undefined;
    if (step === undefined) {
      await throttle.fail(keys);
      throw wrongCode();
    }
    const codes = newRecoveryCodes();
    const at = nowIso();
    await storage.transaction(async (tx) => {
      if (!(await tx.confirmFactor(pending.id, at, step))) throw new ProfiledError('mfa.no_enrolment');
      await tx.replaceRecoveryCodes(accountRow.id, codes.map(recoveryCodeHash), at);
      await queueSecurityNotice(tx, at, accountRow, 'factor_added', 'an authenticator app');
    });
    return { recovery_codes: codes };
  }

  return {
    useCode,
    useCodeThrottled,
    enrol,
    confirm,
    checkPassword,
    liveFactors,

    /** Ten new recovery codes for an account that has none left unused (its first factor); undefined otherwise. */
    async recoveryCodesIfNone(tx: Repos, accountId: string, at: string): Promise<string[] | undefined> {
      if ((await tx.countRecoveryCodes(accountId)) > 0) return undefined;
      const codes = newRecoveryCodes();
      await tx.replaceRecoveryCodes(accountId, codes.map(recoveryCodeHash), at);
      return codes;
    },

    /** Whether the account has a live second factor (an authenticator app or a passkey). */
    async hasFactor(accountId: string): Promise<boolean> {
      return (await liveFactors(storage.repos, accountId)) > 0;
    },

    /** Whether the org requires its members to sign in with a second factor. */
    async requiredIn(orgId: string): Promise<boolean> {
      return (await storage.repos.findOrg({ id: orgId }))?.settings.mfa === 'required';
    },

    async status(principal: Principal): Promise<MfaStatus> {
      const apps = confirmed(await storage.repos.listFactorsOf(principal.accountId));
      const passkeys = await storage.repos.listPasskeysOf(principal.accountId);
      const factors: FactorView[] = [
        ...apps.map((f) => ({ id: f.id, kind: f.kind, created_at: f.confirmed_at ?? f.created_at, last_used_at: f.last_used_at })),
        ...passkeys.map((p) => ({ id: p.id, kind: 'passkey' as const, name: p.name, created_at: p.created_at, last_used_at: p.last_used_at })),
      ];
      return {
        factors,
        recovery_codes_left: factors.length ? await storage.repos.countRecoveryCodes(principal.accountId) : 0,
        required: (await storage.repos.findOrg({ id: principal.orgId }))?.settings.mfa === 'required',
      };
    },

    /** An org's second-factor policy (`profiled org set --mfa`, `/v1/admin/security-policy`). */
    async policyOf(ref: { id: string } | { slug: string }): Promise<SecurityPolicy> {
      const org = await storage.repos.findOrg(ref);
      if (!org) throw new ProfiledError('org.not_found');
      return { mfa: org.settings.mfa ?? 'optional', new_device_notice: org.settings.new_device_notice !== false };
    },

    async setPolicy(ref: { id: string } | { slug: string }, changes: { mfa?: string | undefined; new_device_notice?: boolean | undefined }): Promise<SecurityPolicy> {
      if (changes.mfa !== undefined && changes.mfa !== 'required' && changes.mfa !== 'optional') {
        throw new ProfiledError('request.invalid_parameter', { message: 'mfa is required or optional.', issues: [{ field: 'mfa', code: 'request.invalid_parameter', message: 'Use required or optional.' }] });
      }
      const org = await storage.repos.findOrg(ref);
      if (!org) throw new ProfiledError('org.not_found');
      const settings = { ...org.settings };
      if (changes.mfa !== undefined) settings.mfa = changes.mfa;
      if (changes.new_device_notice !== undefined) settings.new_device_notice = changes.new_device_notice;
      await storage.repos.updateOrgSettings(org.id, settings);
      return { mfa: settings.mfa ?? 'optional', new_device_notice: settings.new_device_notice !== false };
    },

    /** `POST /v1/me/mfa/totp`: the current password, then a secret waiting for its first code. */
    async startTotp(principal: Principal, password: unknown): Promise<TotpEnrolment> {
      const row = await account(principal.accountId);
      await checkPassword(row, password);
      return enrol(row);
    },

    async confirmTotp(principal: Principal, code: unknown): Promise<{ recovery_codes: string[] }> {
      return confirm(await account(principal.accountId), code);
    },

    /** Removes the authenticator app, with the current password and a code (or a recovery code). */
    async removeTotp(principal: Principal, password: unknown, code: unknown): Promise<void> {
      const row = await account(principal.accountId);
      await checkPassword(row, password);
      const factor = confirmed(await storage.repos.listFactorsOf(row.id)).find((f) => f.kind === 'totp');
      if (!factor) throw new ProfiledError('mfa.not_enrolled');
      await useCodeThrottled(row, code);
      const at = nowIso();
      await storage.transaction(async (tx) => {
        await tx.deleteFactor(factor.id);
        if ((await liveFactors(tx, row.id)) === 0) await tx.deleteRecoveryCodesOf(row.id);
        await queueSecurityNotice(tx, at, row, 'factor_removed', 'the authenticator app');
      });
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
