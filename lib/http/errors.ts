import { ProblemError, type ProblemErrorOptions } from '#lib/errors/problem-error.ts';

/** One field of a request that breaks a rule, named by its path in the body (`delivery_order.error_code`). */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** A request we refuse as it stands (the HTTP part's base): a 4xx that names what is wrong. */
export abstract class RequestError extends ProblemError {
  constructor(
    message: string,
    problem: { readonly status: number; readonly slug: string; readonly title: string },
    options?: ProblemErrorOptions,
  ) {
    super(message, { ...problem, outcome: 'invalid' }, options);
  }
}

export class PayloadTooLargeError extends RequestError {
  constructor(limitBytes: number) {
    super(`the body is larger than ${limitBytes} bytes`, {
      status: 413,
      slug: 'payload-too-large',
      title: 'Payload too large',
    });
  }
}

export class UnsupportedMediaTypeError extends RequestError {
  constructor() {
    super('the body must be JSON (content-type: application/json)', {
      status: 415,
      slug: 'unsupported-media-type',
      title: 'Unsupported media type',
    });
  }
}

export class MalformedJsonError extends RequestError {
  constructor(options: { cause: unknown }) {
    // JSON.parse's own message quotes the body; keep it out of the answer and the logs.
    super(
      'the body is not valid JSON',
      { status: 400, slug: 'malformed-json', title: 'Malformed JSON' },
      options,
    );
  }
}

/** The body is JSON but breaks the contract; each broken rule is named. */
export class InvalidPayloadError extends RequestError {
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[]) {
    super(`the body breaks ${issues.length} rule${issues.length === 1 ? '' : 's'} of the contract`, {
      status: 400,
      slug: 'invalid-payload',
      title: 'Invalid payload',
    });
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
  constructor() {
    super(
      'the Idempotency-Key header is not covered by the signature and is not accepted; the webhook-id is the idempotency key: retry a delivery with its webhook-id unchanged',
      { status: 400, slug: 'unsigned-idempotency-key', title: 'Idempotency-Key not accepted' },
    );
  }
}

/** Query parameters that break a route's rules; each is named (`path` is the parameter's name). */
export class InvalidQueryError extends RequestError {
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[]) {
    super(
      `invalid query parameter${issues.length === 1 ? '' : 's'}: ${issues.map((issue) => issue.path).join(', ')}`,
      { status: 400, slug: 'invalid-query', title: 'Invalid query' },
    );
    this.issues = issues;
  }
  override extensions() {
    return { errors: this.issues };
  }
}

/** Why a cursor was refused. */
export type CursorRefusal = 'malformed' | 'not-ours' | 'other-query';

const CURSOR_DETAILS: Record<CursorRefusal, string> = {
  malformed: 'the cursor is not one this API hands out',
  'not-ours': 'the cursor was not issued by this deployment, was modified, or predates a key rotation',
  'other-query': 'the cursor belongs to a query with other filters',
};

/** A page cursor that is malformed, forged, modified, of another key, or of another query: start again. */
export class InvalidCursorError extends RequestError {
  readonly refusal: CursorRefusal;
  constructor(refusal: CursorRefusal) {
    super(`${CURSOR_DETAILS[refusal]}; start again without a cursor`, {
      status: 400,
      slug: 'invalid-cursor',
      title: 'Invalid cursor',
    });
    this.refusal = refusal;
  }
}
