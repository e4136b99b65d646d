import { PROBLEMS, ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the outbox's errors: what a caller meets about an operation. */
export abstract class OperationsError extends ProblemError {}

/** The same idempotency key arrived with another body: a sender bug, never replayed or sent. */
export class IdempotencyKeyReusedError extends OperationsError {
  readonly operationId: string;
  constructor(operationId: string) {
    super('this idempotency key was already used with another body', {
      status: 422,
      slug: 'idempotency-key-reused',
      title: 'Idempotency key reused',
      outcome: 'key_reused',
    });
    this.operationId = operationId;
  }

  override extensions() {
    return { operation_id: this.operationId };
  }
}

/** Another invocation holds the operation under a live lease; the sender should retry later. */
export class OperationInFlightError extends OperationsError {
  readonly operationId: string;
  readonly retryAfterMs: number;
  constructor(operationId: string, retryAfterMs: number) {
    super('this delivery is being processed; retry later', {
      status: 409,
      slug: 'operation-in-flight',
      title: 'Operation in flight',
      outcome: 'in_flight',
    });
    this.operationId = operationId;
    this.retryAfterMs = retryAfterMs;
  }

  override extensions() {
    return { operation_id: this.operationId };
  }

  override headers() {
    return { 'retry-after': String(Math.max(1, Math.ceil(this.retryAfterMs / 1000))) };
  }
}

export class OperationNotFoundError extends OperationsError {
  readonly operationId: string;
  constructor(operationId: string) {
    super(`no operation ${operationId}`, {
      status: 404,
      slug: 'operation-not-found',
      title: 'Operation not found',
      outcome: 'not_found',
    });
    this.operationId = operationId;
  }

  override extensions() {
    return { operation_id: this.operationId };
  }
}

/** Only DEAD and FAILED operations can be replayed. */
export class OperationNotReplayableError extends OperationsError {
  readonly operationId: string;
  /** The operation's status, which is not one a replay takes. */
  readonly operationStatus: string;
  constructor(operationId: string, operationStatus: string) {
    super(`operation ${operationId} is ${operationStatus}; only DEAD or FAILED operations can be replayed`, {
      status: 409,
      slug: 'operation-not-replayable',
      title: 'Operation not replayable',
      outcome: 'conflict',
    });
    this.operationId = operationId;
    this.operationStatus = operationStatus;
  }

  override extensions() {
    return { operation_id: this.operationId, operation_status: this.operationStatus };
  }
}

/**
 * Our lease ran out and another invocation took the operation over: our result is not written. An
 * attempt treats it as a passing failure; should it reach the edge, it is ours, not the sender's.
 */
export class LeaseLostError extends OperationsError {
  readonly operationId: string;
  constructor(operationId: string) {
    super(`lost the lease on operation ${operationId}`, PROBLEMS.internal);
    this.operationId = operationId;
  }
}

/** The operation, its request included, is past DynamoDB's 400 KB item limit: it can never be kept. */
export class OperationTooLargeError extends OperationsError {
  constructor(options: { cause: unknown }) {
    super(
      'the request is too large to be recorded (DynamoDB items hold at most 400 KB)',
      { status: 413, slug: 'payload-too-large', title: 'Payload too large', outcome: 'invalid' },
      options,
    );
  }
}
