import { describe, expect, it } from 'vitest';
import { ConfigError } from '#lib/config/config.ts';
import { CredentialsError, SecretFormatError, UnknownSellerError } from '#lib/credentials/errors.ts';
import { StoreError, StoreUnavailableError } from '#lib/dynamo/errors.ts';
import type { ProblemError, ProblemKind } from '#lib/errors/problem-error.ts';
import { errorResponse } from '#lib/http/error-response.ts';
import { InvalidPayloadError, RequestError } from '#lib/http/errors.ts';
import { OperationInFlightError, OperationsError } from '#lib/operations/errors.ts';
import { TopTransientError } from '#lib/top/errors.ts';
import { TrackingError } from '#lib/tracking/errors.ts';
import { WebhookError, WebhookVerificationError } from '#lib/webhooks/errors.ts';

const body = (error: unknown) => JSON.parse(String(errorResponse(error).response.body));

// Errors the mapping has never heard of, one per part: each is answered by what it carries.
class TeapotRequest extends RequestError {
  constructor(message: string) {
    super(message, { status: 418, slug: 'teapot', title: 'Teapot' });
  }
}
class OperationGone extends OperationsError {
  constructor(message: string) {
    super(message, { status: 410, slug: 'operation-gone', title: 'Operation gone', outcome: 'not_found' });
  }
  override extensions() {
    return { operation_id: 'op-1' };
  }
}
const newError = (
  Base: abstract new (message: string, problem: ProblemKind) => ProblemError,
  problem: ProblemKind,
) =>
  class extends Base {
    constructor(message: string) {
      super(message, problem);
    }
  };
const SellerSuspended = newError(CredentialsError, {
  status: 403,
  slug: 'seller-suspended',
  title: 'Seller suspended',
  outcome: 'invalid',
});
const StoreThrottled = newError(StoreError, {
  status: 429,
  slug: 'throttled',
  title: 'Throttled',
  outcome: 'unavailable',
});
const OrderUntracked = newError(TrackingError, {
  status: 410,
  slug: 'order-untracked',
  title: 'Order no longer tracked',
  outcome: 'not_found',
});
const SignatureScheme = newError(WebhookError, {
  status: 400,
  slug: 'unknown-signature-scheme',
  title: 'Unknown signature scheme',
  outcome: 'unauthorized',
});

describe('errorResponse', () => {
  it.each<[string, ProblemError, number, string]>([
    ['the HTTP part', new TeapotRequest('no coffee here'), 418, 'teapot'],
    ['the outbox', new OperationGone('operation op-1 is gone'), 410, 'operation-gone'],
    ['the credentials', new SellerSuspended('seller shop-1 is suspended'), 403, 'seller-suspended'],
    ['the storage', new StoreThrottled('the table is throttled'), 429, 'throttled'],
    [
      'the order-detail refresh',
      new OrderUntracked('order BP1 is no longer tracked'),
      410,
      'order-untracked',
    ],
    ['the webhook signatures', new SignatureScheme('v9 is not a scheme'), 400, 'unknown-signature-scheme'],
  ])(
    'answers a new error of %s with the status and problem it carries, not a 500',
    (_, error, status, slug) => {
      const mapped = errorResponse(error);

      expect(mapped.response.statusCode).toBe(status);
      expect(mapped.response.headers).toMatchObject({ 'content-type': 'application/problem+json' });
      expect(body(error)).toMatchObject({
        type: `urn:top-webhooks:problem:${slug}`,
        title: error.title,
        status,
        detail: error.message,
      });
      expect(mapped.outcome).toBe(error.outcome);
    },
  );

  it('adds what an error carries to the problem body and its headers', () => {
    expect(body(new OperationGone('gone'))).toMatchObject({ operation_id: 'op-1' });
    const inFlight = errorResponse(new OperationInFlightError('op-2', 2_500));
    expect(inFlight.response.headers).toMatchObject({ 'retry-after': '3' });
    expect(body(new InvalidPayloadError([{ path: 'seller_id', message: 'is required' }]))).toMatchObject({
      errors: [{ path: 'seller_id', message: 'is required' }],
    });
  });

  it('says the same to every refused signature, whatever the reason', () => {
    expect(body(new WebhookVerificationError('too_old')).detail).toBe(
      body(new WebhookVerificationError('no_matching_signature')).detail,
    );
  });

  it('answers 503 with a retry-after for a dependency down, showing nothing of the error', () => {
    for (const error of [
      new StoreUnavailableError('operations store', 'claim', { cause: new Error('socket hang up') }),
      new SecretFormatError('top-webhooks/prod/top-credentials', ['app_key is required']),
    ]) {
      const mapped = errorResponse(error);
      expect(mapped.response.statusCode).toBe(503);
      expect(mapped.response.headers).toMatchObject({ 'retry-after': '5' });
      expect(mapped.response.body).not.toContain('top-credentials');
      expect(mapped.response.body).not.toContain('claim');
    }
    expect(errorResponse(new SecretFormatError('s', ['x'])).logLevel).toBe('error');
  });

  it('answers a generic 500 that leaks nothing for our own 5xx and for anything not ours', () => {
    for (const error of [
      new ConfigError(['TOP_GATEWAY_URL is required']),
      new TopTransientError('aliexpress.solution.order.fulfill failed, session abc'),
      new Error('password=hunter2'),
      'a string',
    ]) {
      const mapped = errorResponse(error);
      expect(mapped.response.statusCode).toBe(500);
      expect(JSON.parse(String(mapped.response.body))).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
      });
      expect(mapped).toMatchObject({ outcome: 'error', logLevel: 'error' });
    }
  });

  it('names each error class by itself', () => {
    expect(new UnknownSellerError('shop-9').name).toBe('UnknownSellerError');
    expect(new OperationGone('x').name).toBe('OperationGone');
  });
});
