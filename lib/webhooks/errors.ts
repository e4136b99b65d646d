/** Why a delivery failed verification; logged, never sent back to the sender. */
export type WebhookVerificationReason =
  | 'missing_headers'
  | 'bad_timestamp'
  | 'too_old'
  | 'too_new'
  | 'no_matching_signature';

/**
 * A delivery whose signature does not hold (→ 401). The message is the same for every reason so the
 * answer teaches a forger nothing; `reason` is for our logs.
 */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason) {
    super('webhook signature verification failed');
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/** A webhook secret that is not `whsec_` followed by base64; the message never holds the secret. */
export class WebhookSecretFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretFormatError';
  }
}
