import { problemType } from '#lib/http/problem.ts';
import {
  type Example,
  STOREFRONT_OPERATION,
  TOP_REQUEST_ID,
  WMS_EARLIER_OPERATION,
  WMS_OPERATION,
} from './examples.ts';

/** Examples of every problem answer, by the problem schema's name. */
export const problem = (slug: string, title: string, status: number, detail: string, extra: object = {}) => ({
  type: problemType(slug),
  title,
  status,
  detail,
  ...extra,
});

/** One example of each problem kind, by the name the contract gives its schema. */
export const problemExamples: Readonly<Record<string, Example>> = {
  MalformedJsonProblem: {
    summary: 'Malformed JSON',
    value: problem('malformed-json', 'Malformed JSON', 400, 'the body is not valid JSON'),
  },
  InvalidPayloadProblem: {
    summary: 'A broken rule',
    value: problem('invalid-payload', 'Invalid payload', 400, 'the body breaks 1 rule of the contract', {
      errors: [{ path: 'delivery_order.error_code', message: 'is required when status is PACK_FAIL' }],
    }),
  },
  UnsignedIdempotencyKeyProblem: {
    summary: 'An Idempotency-Key header',
    value: problem(
      'unsigned-idempotency-key',
      'Idempotency-Key not accepted',
      400,
      'the Idempotency-Key header is not covered by the signature and is not accepted; the webhook-id is the idempotency key: retry a delivery with its webhook-id unchanged',
    ),
  },
  InvalidSignatureProblem: {
    summary: 'The signature does not verify',
    value: problem('invalid-signature', 'Unauthorized', 401, 'the webhook signature could not be verified'),
  },
  OperationInFlightProblem: {
    summary: 'The same delivery is in flight',
    value: problem(
      'operation-in-flight',
      'Operation in flight',
      409,
      'this delivery is being processed; retry later',
      {
        operation_id: WMS_OPERATION,
      },
    ),
  },
  PayloadTooLargeProblem: {
    summary: 'Over 1 MiB',
    value: problem('payload-too-large', 'Payload too large', 413, 'the body is larger than 1048576 bytes'),
  },
  UnsupportedMediaTypeProblem: {
    summary: 'Not JSON',
    value: problem(
      'unsupported-media-type',
      'Unsupported media type',
      415,
      'the body must be JSON (content-type: application/json)',
    ),
  },
  TopRejectedProblem: {
    summary: 'The platform refused it for good',
    value: problem(
      'top-rejected',
      'TOP rejected the request',
      422,
      'the packages of a consolidation order cannot change once reported',
      {
        operation_id: WMS_OPERATION,
        top: {
          sub_code: 'PACKAGE_CANNOT_CHANGE',
          sub_msg: 'the packages of a consolidation order cannot change once reported',
          request_id: TOP_REQUEST_ID,
        },
      },
    ),
  },
  IdempotencyKeyReusedProblem: {
    summary: 'The webhook-id came with another body',
    value: problem(
      'idempotency-key-reused',
      'Idempotency key reused',
      422,
      'this idempotency key was already used with another body',
      { operation_id: STOREFRONT_OPERATION },
    ),
  },
  UnknownSellerProblem: {
    summary: 'An unknown seller',
    value: problem('unknown-seller', 'Unknown seller', 422, 'unknown seller shop-7'),
  },
  DependencyUnavailableProblem: {
    summary: 'A dependency is down',
    value: problem(
      'dependency-unavailable',
      'Service unavailable',
      503,
      'a dependency is unavailable; nothing was stored, retry later',
    ),
  },
  InternalErrorProblem: {
    summary: 'A failure of ours',
    value: { type: 'about:blank', title: 'Internal Server Error', status: 500 },
  },
  OperationNotFoundProblem: {
    summary: 'No such operation',
    value: problem(
      'operation-not-found',
      'Operation not found',
      404,
      `no operation ${WMS_EARLIER_OPERATION}`,
      {
        operation_id: WMS_EARLIER_OPERATION,
      },
    ),
  },
  OperationNotReplayableProblem: {
    summary: 'Not DEAD nor FAILED',
    value: problem(
      'operation-not-replayable',
      'Operation not replayable',
      409,
      `operation ${WMS_OPERATION} is SUCCEEDED; only DEAD or FAILED operations can be replayed`,
      { operation_id: WMS_OPERATION, operation_status: 'SUCCEEDED' },
    ),
  },
  InvalidSellerIdProblem: {
    summary: 'Not a seller id',
    value: problem(
      'invalid-seller-id',
      'Invalid seller id',
      400,
      'seller_id must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"',
    ),
  },
  SellerNotFoundProblem: {
    summary: 'Never authorized',
    value: problem('not-found', 'Not Found', 404, 'no seller shop-7 has authorized the app'),
  },
  LogisticsOrderNotTrackedProblem: {
    summary: 'Not tracked',
    value: problem(
      'logistics-order-not-tracked',
      'Not tracked',
      404,
      'no logistics order is tracked under this id',
    ),
  },
  InvalidQueryProblem: {
    summary: 'A bad parameter',
    value: problem('invalid-query', 'Invalid query', 400, 'invalid query parameter: limit', {
      errors: [{ path: 'limit', message: 'must be a whole number from 1 to 100' }],
    }),
  },
  InvalidCursorProblem: {
    summary: 'A cursor of other filters',
    value: problem(
      'invalid-cursor',
      'Invalid cursor',
      400,
      'the cursor belongs to a query with other filters; start again without a cursor',
    ),
  },
  NotFoundProblem: {
    summary: 'No such route',
    value: { type: 'about:blank', title: 'Not Found', status: 404 },
  },
  LoopbackOnlyProblem: {
    summary: 'npm start: not from this machine',
    value: {
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'GET /operations/{id} is served to this machine only',
      instance: `/operations/${WMS_OPERATION}`,
    },
  },
  GatewayMessage: { summary: 'AWS: no valid SigV4 signature', value: { message: 'Forbidden' } },
};
