import { ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the outbox's errors: what a caller meets about an operation, and the store failing. */
export abstract class OperationsError extends ProblemError {}

/** The same idempotency key arrived with another body: a sender bug, never replayed or sent. */
export class IdempotencyKeyReusedError extends OperationsError {
  readonly status = 422;
  readonly slug = 'idempotency-key-reused';
  readonly title = 'Idempotency key reused';
  readonly outcome = 'key_reused';
  readonly operationId: string;
  constructor(operationId: string) {
    super('this idempotency key was already used with another body');
    this.operationId = operationId;
  }

  override extensions() {
    return { operation_id: this.operationId };
  }
}

/** Another invocation holds the operation under a live lease; the sender should retry later. */
export class OperationInFlightError extends OperationsError {
  readonly status = 409;
  readonly slug = 'operation-in-flight';
  readonly title = 'Operation in flight';
  readonly outcome = 'in_flight';
  readonly operationId: string;
  readonly retryAfterMs: number;
  constructor(operationId: string, retryAfterMs: number) {
    super('this delivery is being processed; retry later');
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
  readonly status = 404;
  readonly slug = 'operation-not-found';
  readonly title = 'Operation not found';
  readonly outcome = 'not_found';
  readonly operationId: string;
  constructor(operationId: string) {
    super(`no operation ${operationId}`);
    this.operationId = operationId;
  }

  override extensions() {
    return { operation_id: this.operationId };
  }
}

/** Only DEAD and FAILED operations can be replayed. */
export class OperationNotReplayableError extends OperationsError {
  readonly status = 409;
  readonly slug = 'operation-not-replayable';
  readonly title = 'Operation not replayable';
  readonly outcome = 'conflict';
  readonly operationId: string;
  /** The operation's status, which is not one a replay takes. */
  readonly operationStatus: string;
  constructor(operationId: string, operationStatus: string) {
    super(`operation ${operationId} is ${operationStatus}; only DEAD or FAILED operations can be replayed`);
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
  readonly status = 500;
  readonly slug = 'internal';
  readonly title = 'Internal Server Error';
  readonly outcome = 'error';
  override readonly logLevel = 'error';
  readonly operationId: string;
  constructor(operationId: string) {
    super(`lost the lease on operation ${operationId}`);
    this.operationId = operationId;
  }
}

/** The operation, its request included, is past DynamoDB's 400 KB item limit: it can never be kept. */
export class OperationTooLargeError extends OperationsError {
  readonly status = 413;
  readonly slug = 'payload-too-large';
  readonly title = 'Payload too large';
  readonly outcome = 'invalid';
  constructor(options: { cause: unknown }) {
    super('the request is too large to be recorded (DynamoDB items hold at most 400 KB)', options);
  }
}
