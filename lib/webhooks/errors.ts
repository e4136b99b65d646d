import { PROBLEMS, ProblemError } from '#lib/errors/problem-error.ts';

/** Why a delivery failed verification; logged, never sent back to the sender. */
export type WebhookVerificationReason =
  | 'missing_headers'
  | 'bad_timestamp'
  | 'too_old'
  | 'too_new'
  | 'no_matching_signature';

/** Base of the webhook signatures' errors. */
export abstract class WebhookError extends ProblemError {}

/**
 * A delivery whose signature does not hold (→ 401). The message is the same for every reason so the
 * answer teaches a forger nothing; `reason` is for our logs.
 */
export class WebhookVerificationError extends WebhookError {
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason) {
    super('webhook signature verification failed', {
      status: 401,
      slug: 'invalid-signature',
      title: 'Unauthorized',
      outcome: 'unauthorized',
    });
    this.reason = reason;
  }

  override get detail(): string {
    return 'the webhook signature could not be verified';
  }
}

/**
 * A webhook secret that is not `whsec_` followed by base64; the message never holds the secret. Our
 * own secret is malformed: an operator must fix it, and the sender's retry then gets through.
 */
export class WebhookSecretFormatError extends WebhookError {
  constructor(message: string) {
    super(message, PROBLEMS.misconfigured);
  }
}
