/** Single-use account tokens (migration 0009): password-reset and invitation links, re-exported by the storage port. */

/** What a link is for: a forgotten password, or the first password of an invited account. */
export type AccountTokenPurpose = 'password_reset' | 'invitation';

/** A link's token as stored: only its SHA-256, never the token itself. */
export interface AccountTokenRow {
  readonly id: string;
  readonly purpose: AccountTokenPurpose;
  readonly account_id: string;
  readonly token_hash: string;
  readonly expires_at: string;
  /** When it was used, or voided by a newer link or a completed reset; null while it works. */
  readonly used_at: string | null;
  readonly created_at: string;
}

export interface AccountTokenRepos {
  insertAccountToken(row: AccountTokenRow): Promise<void>;
  /** The token with this hash, used or not (the page tells a used link from an unknown one). */
  findAccountToken(hash: string): Promise<AccountTokenRow | undefined>;
  /**
   * Marks the token used exactly once, if it is unused and unexpired at `now`: of two
   * concurrent uses one wins; undefined for the other, and for an unknown or spent token.
   */
  consumeAccountToken(hash: string, now: string): Promise<AccountTokenRow | undefined>;
  /** Voids every unused token of the account for these purposes (a newer link, a completed reset); answers how many. */
  voidAccountTokens(accountId: string, purposes: readonly AccountTokenPurpose[], at: string): Promise<number>;
  /** Removes every token of the account (erasure). */
  deleteAccountTokensOf(accountId: string): Promise<number>;
}
