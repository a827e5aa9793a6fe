/** Second factors and sign-in challenges (migration 0013, issue 22), re-exported by the storage port. */

export type FactorKind = 'totp';

/** A second factor. A TOTP secret is kept to check codes and never leaves the server after enrolment. */
export interface FactorRow {
  readonly id: string;
  readonly account_id: string;
  readonly kind: FactorKind;
  /** The TOTP secret, base32. */
  readonly secret: string;
  /** Null while the enrolment waits for its first code. */
  readonly confirmed_at: string | null;
  /** The last TOTP time step accepted: a code of this step or an earlier one is refused (RFC 6238 §5.2). */
  readonly last_step: number | null;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

/** What a half-done sign-in waits for: the password was right, a second factor (or its enrolment) is next. */
export interface SignInChallengeRow {
  /** SHA-256 of the token the sign-in form carries. */
  readonly token_hash: string;
  readonly account_id: string;
  readonly profile_id: string;
  /** `code`: a TOTP or recovery code is asked; `enrol`: the org requires a factor the account has not set up; `done`: set up, its recovery codes shown. */
  readonly step: 'code' | 'enrol' | 'done';
  readonly expires_at: string;
  readonly used_at: string | null;
  readonly created_at: string;
}

export interface MfaRepos extends PasskeyRepos {
  insertFactor(row: FactorRow): Promise<void>;
  listFactorsOf(accountId: string): Promise<FactorRow[]>;
  /** Makes an enrolment live; false when it was not waiting. */
  confirmFactor(id: string, at: string, step: number): Promise<boolean>;
  /**
   * Records a code's time step as used, only if it is later than the last one accepted: of
   * two uses of one code exactly one wins, even on two instances.
   */
  useFactorStep(id: string, step: number, at: string): Promise<boolean>;
  deleteFactor(id: string): Promise<boolean>;
  /** Removes the account's enrolments still waiting for their first code. */
  deleteUnconfirmedFactorsOf(accountId: string): Promise<void>;

  /** Replaces the account's recovery codes (hashes) with these. */
  replaceRecoveryCodes(accountId: string, hashes: readonly string[], at: string): Promise<void>;
  /** Marks a recovery code used exactly once; false when unknown or used. */
  useRecoveryCode(accountId: string, hash: string, at: string): Promise<boolean>;
  countRecoveryCodes(accountId: string): Promise<number>;
  deleteRecoveryCodesOf(accountId: string): Promise<void>;

  insertSignInChallenge(row: SignInChallengeRow): Promise<void>;
  /** The challenge while unused and unexpired at `now`. */
  findSignInChallenge(hash: string, now: string): Promise<SignInChallengeRow | undefined>;
  /** Uses the challenge exactly once; false for the loser of a race and for a spent one. */
  consumeSignInChallenge(hash: string, now: string): Promise<boolean>;

  /**
   * Whether the account has had a session from this device (user-agent summary and masked
   * address) before: `seen`; `new` if not; `first` when no earlier session recorded a device.
   */
  deviceSeen(accountId: string, userAgent: string | null, ip: string | null): Promise<'seen' | 'new' | 'first'>;
  /** The account's live sessions, newest first. */
  listLiveSessionsOf(accountId: string): Promise<LiveSessionRow[]>;
  /** When a session last got tokens. */
  touchSession(id: string, at: string): Promise<void>;
}

/** A passkey (a WebAuthn credential); only its public key is known here. */
export interface PasskeyRow {
  readonly id: string;
  readonly account_id: string;
  /** The credential id, base64url, as the authenticator names it. */
  readonly credential_id: string;
  /** The COSE public key, base64url. */
  readonly public_key: string;
  /** The authenticator's signature counter as last seen: a lower or equal one again means a clone (0 throughout: it keeps none). */
  readonly counter: number;
  /** Space-separated transports the browser reported (`internal hybrid usb` …). */
  readonly transports: string;
  /** `singleDevice` (bound to its hardware) or `multiDevice` (synced), as its registration said. */
  readonly device_type: 'singleDevice' | 'multiDevice';
  readonly name: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

/** A WebAuthn challenge waiting for its ceremony: a registration (of an account) or a sign-in (of one, or of whoever answers). */
export interface WebAuthnChallengeRow {
  /** The challenge itself (base64url): it comes back inside the signed client data. */
  readonly challenge: string;
  readonly purpose: 'register' | 'authenticate';
  readonly account_id: string | null;
  readonly expires_at: string;
  readonly used_at: string | null;
}

export interface PasskeyRepos {
  insertPasskey(row: PasskeyRow): Promise<void>;
  listPasskeysOf(accountId: string): Promise<PasskeyRow[]>;
  findPasskeyByCredential(credentialId: string): Promise<PasskeyRow | undefined>;
  /** Records a sign-in's counter, only if it moved forward (or the authenticator keeps none): of a clone and its original one wins. */
  usePasskey(id: string, counter: number, at: string): Promise<boolean>;
  deletePasskey(accountId: string, id: string): Promise<boolean>;
  insertWebAuthnChallenge(row: WebAuthnChallengeRow): Promise<void>;
  /** Uses the challenge exactly once if unused and unexpired; answers it, or undefined. */
  consumeWebAuthnChallenge(challenge: string, purpose: WebAuthnChallengeRow['purpose'], now: string): Promise<WebAuthnChallengeRow | undefined>;
}

/** A session as the device list shows it. */
export interface LiveSessionRow {
  readonly id: string;
  readonly created_at: string;
  readonly last_seen_at: string | null;
  readonly client_id: string | null;
  readonly client_name: string | null;
  readonly user_agent: string | null;
  readonly ip: string | null;
  readonly amr: string | null;
}
