import { randomUUID } from 'node:crypto';
import { ProfiledError } from '@profiled/core';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AccountRow, PasskeyRow, WebAuthnChallengeRow } from '../../storage/port.ts';
import { throttleGuard } from '../throttle.ts';
import type { Principal, ServiceDeps } from '../types.ts';
import type { MfaService } from './factors.ts';
import { queueSecurityNotice } from './notices.ts';

// Loaded with the first ceremony: its attestation and COSE parsers take some 5 MB of heap
// and 25 MB resident in a server where nobody uses a passkey.
let webauthn: Promise<typeof import('@simplewebauthn/server')> | undefined;
const loadWebAuthn = () => (webauthn ??= import('@simplewebauthn/server'));

/** How long a ceremony's challenge waits (the browser's own timeout is a minute). */
const CHALLENGE_TTL_MS = 5 * 60_000;

export interface PasskeyView {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

/** Who a passkey proved, and how (RFC 8176: `hwk` for a key bound to its hardware, `swk` for a synced one). */
export interface PasskeyProof {
  readonly account: AccountRow;
  readonly method: 'hwk' | 'swk';
  readonly userVerified: boolean;
}

const view = (p: PasskeyRow): PasskeyView => ({ id: p.id, name: p.name, created_at: p.created_at, last_used_at: p.last_used_at });
const invalid = () => new ProfiledError('passkey.invalid');

/** The challenge a response signed, read from its client data (verified again by the library). */
function challengeOf(response: { response?: { clientDataJSON?: unknown } } | undefined): string | undefined {
  const data = response?.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return undefined;
  try {
    const challenge = (JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge;
    return typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(challenge) ? challenge : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Passkeys (WebAuthn Level 2, through @simplewebauthn/server): registered from the
 * Credentials page with the current password, used as the second factor after a password or
 * alone (a discoverable credential, with user verification). The relying party is
 * `PUBLIC_URL`: its host is the RP id, its origin the only origin accepted. Each challenge
 * works once; a signature counter that does not move forward (a cloned authenticator, or a
 * replayed assertion) is refused.
 */
export function createPasskeyService(deps: ServiceDeps, mfa: MfaService) {
  const { storage, clock, settings } = deps;
  const throttle = throttleGuard(deps);
  const publicUrl = new URL(settings.issuer);
  const rpID = publicUrl.hostname;
  const origin = publicUrl.origin;
  const nowIso = () => clock.now().toISOString();

  async function newChallenge(challenge: string, purpose: WebAuthnChallengeRow['purpose'], accountId: string | null) {
    await storage.repos.insertWebAuthnChallenge({ challenge, purpose, account_id: accountId, expires_at: new Date(clock.now().getTime() + CHALLENGE_TTL_MS).toISOString(), used_at: null });
  }
  async function account(id: string) {
    const row = await storage.repos.findAccount(id);
    if (!row) throw new ProfiledError('account.not_found');
    return row;
  }
  const descriptors = (keys: readonly PasskeyRow[]) => keys.map((k) => ({ id: k.credential_id, transports: k.transports.split(' ').filter(Boolean) as AuthenticatorTransport[] }));

  return {
    /** Options for `navigator.credentials.create`, after the current password. */
    async registrationOptions(principal: Principal, password: unknown): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const row = await account(principal.accountId);
      await mfa.checkPassword(row, password);
      const options = await (await loadWebAuthn()).generateRegistrationOptions({
        rpName: publicUrl.host,
        rpID,
        userName: row.email ?? row.username,
        userDisplayName: row.username,
        userID: new TextEncoder().encode(row.id),
        attestationType: 'none',
        excludeCredentials: descriptors(await storage.repos.listPasskeysOf(row.id)),
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
        timeout: 60_000,
      });
      await newChallenge(options.challenge, 'register', row.id);
      return options;
    },

    /** Verifies and keeps a new passkey; the account's first factor also gets its recovery codes. */
    async register(principal: Principal, name: unknown, response: unknown): Promise<{ passkey: PasskeyView; recovery_codes?: string[] }> {
      const label = typeof name === 'string' ? name.trim() : '';
      if (label === '' || label.length > 100 || /[\u0000-\u001f\u007f]/.test(label)) {
        throw new ProfiledError('request.invalid_parameter', { message: 'A passkey needs a name of 1-100 characters.', issues: [{ field: 'name', code: 'request.invalid_parameter', message: 'Give the passkey a name of 1-100 characters.' }] });
      }
      const challenge = challengeOf(response as RegistrationResponseJSON);
      const waiting = challenge && (await storage.repos.consumeWebAuthnChallenge(challenge, 'register', nowIso()));
      if (!waiting || waiting.account_id !== principal.accountId) throw invalid();
      const verified = await (await loadWebAuthn()).verifyRegistrationResponse({ response: response as RegistrationResponseJSON, expectedChallenge: waiting.challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: false }).catch(() => undefined);
      if (!verified?.verified) throw invalid();
      const { credential, credentialDeviceType } = verified.registrationInfo;
      const row = await account(principal.accountId);
      const at = nowIso();
      const passkey: PasskeyRow = {
        id: randomUUID(),
        account_id: row.id,
        credential_id: credential.id,
        public_key: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: (credential.transports ?? []).join(' '),
        device_type: credentialDeviceType,
        name: label,
        created_at: at,
        last_used_at: null,
      };
      if (await storage.repos.findPasskeyByCredential(credential.id)) throw invalid();
      const codes = await storage.transaction(async (tx) => {
        await tx.insertPasskey(passkey);
        await queueSecurityNotice(tx, at, row, 'factor_added', `a passkey named "${label}"`);
        return mfa.recoveryCodesIfNone(tx, row.id, at);
      });
      return { passkey: view(passkey), ...(codes ? { recovery_codes: codes } : {}) };
    },

    async list(principal: Principal): Promise<PasskeyView[]> {
      return (await storage.repos.listPasskeysOf(principal.accountId)).map(view);
    },

    /** Removes a passkey, with the current password; with no factor left the recovery codes go too. */
    async remove(principal: Principal, id: string, password: unknown): Promise<void> {
      const row = await account(principal.accountId);
      await mfa.checkPassword(row, password);
      const passkey = (await storage.repos.listPasskeysOf(row.id)).find((p) => p.id === id);
      if (!passkey) throw new ProfiledError('passkey.not_found');
      const at = nowIso();
      await storage.transaction(async (tx) => {
        await tx.deletePasskey(row.id, id);
        if ((await mfa.liveFactors(tx, row.id)) === 0) await tx.deleteRecoveryCodesOf(row.id);
        await queueSecurityNotice(tx, at, row, 'factor_removed', `the passkey named "${passkey.name}"`);
      });
    },

    /**
     * Options for `navigator.credentials.get`: for an account whose password was right (its
     * passkeys allowed), or for whoever answers (a discoverable credential, user verification
     * required: the passkey is the whole sign-in then).
     */
    async authenticationOptions(accountId: string | null): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const keys = accountId ? await storage.repos.listPasskeysOf(accountId) : [];
      const options = await (await loadWebAuthn()).generateAuthenticationOptions({ rpID, allowCredentials: descriptors(keys), userVerification: accountId ? 'preferred' : 'required', timeout: 60_000 });
      await newChallenge(options.challenge, 'authenticate', accountId);
      return options;
    },

    /**
     * Verifies an assertion for the challenge it signed: of `accountId` when given, else of
     * the account the credential belongs to. Failures count against the sign-in throttle.
     */
    async authenticate(response: unknown, accountId: string | null, clientIp: string): Promise<PasskeyProof> {
      const assertion = response as AuthenticationResponseJSON;
      const challenge = challengeOf(assertion);
      const waiting = challenge && (await storage.repos.consumeWebAuthnChallenge(challenge, 'authenticate', nowIso()));
      const passkey = waiting && typeof assertion.id === 'string' && assertion.id.length <= 1024 ? await storage.repos.findPasskeyByCredential(assertion.id) : undefined;
      const keys = [`ip:${clientIp}`, ...(passkey ? [`login:${passkey.account_id}`] : [])];
      await throttle.check(keys);
      const fail = async () => {
        await throttle.fail(keys);
        return invalid();
      };
      if (!waiting || !passkey || waiting.account_id !== accountId || (accountId && passkey.account_id !== accountId)) throw await fail();
      const result = await (await loadWebAuthn()).verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: waiting.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential: { id: passkey.credential_id, publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')), counter: passkey.counter, transports: passkey.transports.split(' ').filter(Boolean) as AuthenticatorTransport[] },
        requireUserVerification: accountId === null,
      }).catch(() => undefined);
      // A counter that did not move forward is a clone's (or a replay's): refused, even in a race.
      if (!result?.verified || !(await storage.repos.usePasskey(passkey.id, result.authenticationInfo.newCounter, nowIso()))) throw await fail();
      const owner = await storage.repos.findAccount(passkey.account_id);
      if (!owner || (owner.status !== 'active' && owner.status !== 'deleting') || owner.kind === 'service') throw await fail();
      return { account: owner, method: passkey.device_type === 'singleDevice' ? 'hwk' : 'swk', userVerified: result.authenticationInfo.userVerified };
    },
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
