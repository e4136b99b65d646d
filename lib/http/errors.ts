import { ProblemError } from '#lib/errors/problem-error.ts';

/** One field of a request that breaks a rule, named by its path in the body (`delivery_order.error_code`). */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** A request we refuse as it stands (the HTTP part's base): a 4xx that names what is wrong. */
export abstract class RequestError extends ProblemError {
  readonly outcome = 'invalid';
}

export class PayloadTooLargeError extends RequestError {
  readonly status = 413;
  readonly slug = 'payload-too-large';
  readonly title = 'Payload too large';
  constructor(limitBytes: number) {
    super(`the body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends RequestError {
  readonly status = 415;
  readonly slug = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
  constructor() {
    super('the body must be JSON (content-type: application/json)');
  }
}

export class MalformedJsonError extends RequestError {
  readonly status = 400;
  readonly slug = 'malformed-json';
  readonly title = 'Malformed JSON';
  constructor(options: { cause: unknown }) {
    // JSON.parse's own message quotes the body; keep it out of the answer and the logs.
    super('the body is not valid JSON', options);
  }
}

/** The body is JSON but breaks the contract; each broken rule is named. */
export class InvalidPayloadError extends RequestError {
  readonly status = 400;
  readonly slug = 'invalid-payload';
  readonly title = 'Invalid payload';
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[]) {
    super(`the body breaks ${issues.length} rule${issues.length === 1 ? '' : 's'} of the contract`);
    this.issues = issues;
  }

  override extensions() {
    return { errors: this.issues };
  }
}

/**
 * An `Idempotency-Key` header: it is outside the signature, so whoever captured a delivery could
 * replay it under a new key. The signed `webhook-id` is the idempotency key.
 */
export class UnsignedIdempotencyKeyError extends RequestError {
  readonly status = 400;
  readonly slug = 'unsigned-idempotency-key';
  readonly title = 'Idempotency-Key not accepted';
  constructor() {
    super(
      'the Idempotency-Key header is not covered by the signature and is not accepted; the webhook-id is the idempotency key: retry a delivery with its webhook-id unchanged',
    );
  }
}
