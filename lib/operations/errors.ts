/** The same idempotency key arrived with another body: a sender bug, never replayed or sent. */
export class IdempotencyKeyReusedError extends Error {
  readonly operationId: string;
  constructor(operationId: string) {
    super('this idempotency key was already used with another body');
    this.name = 'IdempotencyKeyReusedError';
    this.operationId = operationId;
  }
}

/** Another invocation holds the operation under a live lease; the sender should retry later. */
export class OperationInFlightError extends Error {
  readonly operationId: string;
  readonly retryAfterMs: number;
  constructor(operationId: string, retryAfterMs: number) {
    super('this delivery is being processed; retry later');
    this.name = 'OperationInFlightError';
    this.operationId = operationId;
    this.retryAfterMs = retryAfterMs;
  }
}

export class OperationNotFoundError extends Error {
  readonly operationId: string;
  constructor(operationId: string) {
    super(`no operation ${operationId}`);
    this.name = 'OperationNotFoundError';
    this.operationId = operationId;
  }
}

/** Only DEAD and FAILED operations can be replayed. */
export class OperationNotReplayableError extends Error {
  readonly operationId: string;
  readonly status: string;
  constructor(operationId: string, status: string) {
    super(`operation ${operationId} is ${status}; only DEAD or FAILED operations can be replayed`);
    this.name = 'OperationNotReplayableError';
    this.operationId = operationId;
    this.status = status;
  }
}

/** Our lease ran out and another invocation took the operation over: our result is not written. */
export class LeaseLostError extends Error {
  readonly operationId: string;
  constructor(operationId: string) {
    super(`lost the lease on operation ${operationId}`);
    this.name = 'LeaseLostError';
    this.operationId = operationId;
  }
}

/** DynamoDB could not be reached or refused the request; wraps the SDK error. */
export class StoreUnavailableError extends Error {
  constructor(action: string, options: { cause: unknown }) {
    super(`operations store unavailable while trying to ${action}`, options);
    this.name = 'StoreUnavailableError';
  }
}

/** The operation, its request included, is past DynamoDB's 400 KB item limit: it can never be kept. */
export class OperationTooLargeError extends Error {
  constructor(options: { cause: unknown }) {
    super('the request is too large to be recorded (DynamoDB items hold at most 400 KB)', options);
    this.name = 'OperationTooLargeError';
  }
}
