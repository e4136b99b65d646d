import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  SecretFormatError,
  SecretUnavailableError,
  SellerRequiredError,
  UnknownSellerError,
} from '#lib/credentials/errors.ts';
import {
  IdempotencyKeyReusedError,
  OperationInFlightError,
  OperationNotFoundError,
  OperationNotReplayableError,
  OperationTooLargeError,
  StoreUnavailableError,
} from '#lib/operations/errors.ts';
import { WebhookSecretFormatError, WebhookVerificationError } from '#lib/webhooks/errors.ts';
import { InvalidPayloadError, RequestError } from './errors.ts';
import { type Problem, problemResponse, problemType } from './problem.ts';

/** A short name for what happened, used as the metric and in the log line. */
export type ErrorOutcome =
  | 'invalid'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'in_flight'
  | 'key_reused'
  | 'unknown_seller'
  | 'unavailable'
  | 'error';

export interface MappedError {
  readonly response: APIGatewayProxyStructuredResultV2;
  readonly outcome: ErrorOutcome;
  /** Logged: the error's class and, for our own 4xx, its message; never the body. */
  readonly logLevel: 'info' | 'warn' | 'error';
}

const SECONDS = 1000;

/**
 * The one place errors become HTTP answers (RFC 9457 problems). 4xx say what is wrong; a 503
 * says to come back; anything unknown is a generic 500 that leaks nothing.
 */
export function errorResponse(error: unknown): MappedError {
  if (error instanceof WebhookVerificationError) {
    // One answer for every reason: which check failed would only help a forger.
    return client('unauthorized', {
      type: problemType('invalid-signature'),
      title: 'Unauthorized',
      status: 401,
      detail: 'the webhook signature could not be verified',
    });
  }
  if (error instanceof InvalidPayloadError) {
    return client('invalid', {
      type: problemType(error.slug),
      title: error.title,
      status: error.status,
      detail: error.message,
      errors: error.issues,
    });
  }
  if (error instanceof RequestError) {
    return client('invalid', {
      type: problemType(error.slug),
      title: error.title,
      status: error.status,
      detail: error.message,
    });
  }
  if (error instanceof OperationTooLargeError) {
    return client('invalid', {
      type: problemType('payload-too-large'),
      title: 'Payload too large',
      status: 413,
      detail: error.message,
    });
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return client('key_reused', {
      type: problemType('idempotency-key-reused'),
      title: 'Idempotency key reused',
      status: 422,
      detail: error.message,
      operation_id: error.operationId,
    });
  }
  if (error instanceof OperationInFlightError) {
    const retryAfter = Math.max(1, Math.ceil(error.retryAfterMs / SECONDS));
    return client(
      'in_flight',
      {
        type: problemType('operation-in-flight'),
        title: 'Operation in flight',
        status: 409,
        detail: error.message,
        operation_id: error.operationId,
      },
      { 'retry-after': String(retryAfter) },
    );
  }
  if (error instanceof OperationNotFoundError) {
    return client('not_found', {
      type: problemType('operation-not-found'),
      title: 'Operation not found',
      status: 404,
      detail: error.message,
      operation_id: error.operationId,
    });
  }
  if (error instanceof OperationNotReplayableError) {
    return client('conflict', {
      type: problemType('operation-not-replayable'),
      title: 'Operation not replayable',
      status: 409,
      detail: error.message,
      operation_id: error.operationId,
      operation_status: error.status,
    });
  }
  if (error instanceof SellerRequiredError) {
    return client('invalid', {
      type: problemType('invalid-payload'),
      title: 'Invalid payload',
      status: 400,
      detail: 'the body breaks 1 rule of the contract',
      errors: [{ path: 'seller_id', message: 'is required when several sellers are configured' }],
    });
  }
  if (error instanceof UnknownSellerError) {
    return client('unknown_seller', {
      type: problemType('unknown-seller'),
      title: 'Unknown seller',
      status: 422,
      detail: error.message,
    });
  }
  if (error instanceof StoreUnavailableError || error instanceof SecretUnavailableError)
    return unavailable('warn');
  // Our own secret is malformed: an operator must fix it; the sender's retry will then get through.
  if (error instanceof SecretFormatError || error instanceof WebhookSecretFormatError)
    return unavailable('error');
  return {
    outcome: 'error',
    logLevel: 'error',
    response: problemResponse({ type: 'about:blank', title: 'Internal Server Error', status: 500 }),
  };
}

function client(outcome: ErrorOutcome, problem: Problem, headers: Record<string, string> = {}): MappedError {
  return { outcome, logLevel: 'info', response: problemResponse(problem, headers) };
}

/** One of our dependencies is down before the event was stored: the sender must retry. */
function unavailable(logLevel: 'warn' | 'error'): MappedError {
  return {
    outcome: 'unavailable',
    logLevel,
    response: problemResponse(
      {
        type: problemType('dependency-unavailable'),
        title: 'Service unavailable',
        status: 503,
        detail: 'a dependency is unavailable; nothing was stored, retry later',
      },
      { 'retry-after': '5' },
    ),
  };
}
