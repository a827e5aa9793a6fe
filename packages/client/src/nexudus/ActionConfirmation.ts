/** One validation problem: the PascalCase field, what was sent (never a password), and why. */
export interface NexudusError {
  readonly PropertyName: string | null;
  readonly AttemptedValue: unknown;
  readonly Message: string;
}

/** Nexudus' answer to every action: success or not, the HTTP status mirrored in the body. */
export interface ActionConfirmation {
  readonly WasSuccessful: boolean;
  /** Usually null; the generated text for GenerateOpenAiProfile, a new access token for a profile switch. */
  readonly Value: string | null;
  readonly Status: number;
  readonly Message: string | null;
  /** Field problems when WasSuccessful is false; null on success. */
  readonly Errors: readonly NexudusError[] | null;
}
