/** Row types of the account lifecycle's tables (migration 0005), re-exported by the storage port. */

/** One message waiting in (or sent from) the transactional outbox. */
export interface OutboxRow {
  readonly id: number;
  /** `mail` or `webhook`. */
  readonly topic: string;
  readonly account_id: string | null;
  /** Sent with the message (Message-ID, webhook-id) so a receiver can drop a repeat. */
  readonly idempotency_key: string;
  readonly payload: unknown;
  readonly created_at: string;
  readonly attempts: number;
  readonly next_attempt_at: string;
  readonly lease_owner: string | null;
  readonly lease_until: string | null;
  readonly sent_at: string | null;
  readonly failed_at: string | null;
  readonly last_error: string | null;
}

export interface WebhookEndpointRow {
  readonly id: string;
  readonly url: string;
  /** `whsec_…`: needed in clear to sign, so stored as signing keys are. */
  readonly secret: string;
  readonly events: readonly string[];
  readonly created_at: string;
  readonly disabled_at: string | null;
}

export interface WebhookDeliveryRow {
  readonly id: number;
  readonly outbox_id: number;
  readonly endpoint_id: string;
  readonly attempt: number;
  readonly at: string;
  readonly status_code: number | null;
  readonly error: string | null;
  readonly duration_ms: number;
}

/** A changed email or phone waiting for its one-time code. */
export interface PendingChangeRow {
  readonly id: string;
  readonly account_id: string;
  readonly profile_id: string;
  readonly field: string;
  readonly value: string;
  readonly code_hash: string;
  readonly attempts: number;
  readonly created_at: string;
  readonly expires_at: string;
}

export interface ChangeUndoRow {
  readonly token_hash: string;
  readonly account_id: string;
  readonly profile_id: string;
  readonly field: string;
  readonly old_value: string | null;
  readonly new_value: string | null;
  readonly expires_at: string;
  readonly used_at: string | null;
}
