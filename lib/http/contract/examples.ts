import { htmlPage } from '#lib/http/html-page.ts';
import { problemType } from '#lib/http/problem.ts';
import storefrontFulfillment from '../../../examples/storefront-fulfillment.json' with { type: 'json' };
import trackingLogisticsOrder from '../../../examples/tracking-logistics-order.json' with { type: 'json' };
import wmsDeliveryOrder from '../../../examples/wms-delivery-order.json' with { type: 'json' };
import wmsPackFail from '../../../examples/wms-pack-fail.json' with { type: 'json' };

/**
 * The document's examples: the request bodies are the files `npm run send` posts (`examples/`), the
 * answers what the functions write back for them. Each one is parsed with its schema in the tests.
 */

/** An example of a request body or an answer, as the document shows it. */
export interface Example {
  readonly summary: string;
  readonly value: unknown;
}

// Operation ids as `operationIdFor` derives them from these webhook ids.
const WMS_WEBHOOK_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const WMS_OPERATION = 'op_hxFRRghc4RCkif0OViOuR4sWY_';
const WMS_EARLIER_OPERATION = 'op_AxcUpJYn_FoJ3WCFeAIV2K1S2H';
const STOREFRONT_WEBHOOK_ID = 'msg_2KWPDeQ3nZ8yWcX5tRb0LmKs7Gv';
const STOREFRONT_OPERATION = 'op_QzlL214KPsZbvi4_m5ubw8NJ8E';
const STOREFRONT_EARLIER_OPERATION = 'op_alcRn_3iRMCXUL5p0p_SHrbWzi';
const TOP_REQUEST_ID = '16fx9sr8eh1nr';
const IOP_REQUEST_ID = '2101e9d617639234567890123e5f6a';

/**
 * A signed delivery, worked through (docs/webhook-signing.md shows it): the tracking example's bytes,
 * signed with Standard Webhooks' own example secret at 2026-11-23T10:00:00Z.
 */
export const signingExample = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: WMS_WEBHOOK_ID,
  timestamp: '1795428000',
  body: '{"seller_id":"shop-1","logistics_order_id":"BP10000000018002"}',
  signature: 'v1,5Ys5Ma6LSSTWN/MItQyoB+uUjbFf9KoWqMQ2gLFteQI=',
} as const;

export const requestExamples = {
  wmsPackFinish: { summary: 'A work order packed (PACK_FINISH)', value: wmsDeliveryOrder },
  wmsPackFail: { summary: 'A work order that could not be packed (PACK_FAIL)', value: wmsPackFail },
  storefrontFulfillment: { summary: 'Ship part of an order', value: storefrontFulfillment },
  tracking: { summary: 'Track a logistics order', value: trackingLogisticsOrder },
  replayDead: {
    summary: 'Replay the DEAD fulfilments of a day',
    value: {
      status: 'DEAD',
      flow: 'storefront-fulfill',
      since: '2026-11-23T00:00:00Z',
      until: '2026-11-24T00:00:00Z',
      limit: 50,
    },
  },
} satisfies Record<string, Example>;

export const operationExamples = {
  wmsDelivered: {
    summary: 'Delivered',
    value: {
      operation_id: WMS_OPERATION,
      status: 'SUCCEEDED',
      attempts: 1,
      top_request_id: TOP_REQUEST_ID,
      top_result: { result: { success: true }, request_id: TOP_REQUEST_ID },
    },
  },
  wmsStale: {
    summary: 'Not sent: a newer event of the delivery order was delivered',
    value: {
      operation_id: WMS_OPERATION,
      status: 'STALE',
      detail: 'a newer event for this delivery order was already delivered; this one was not sent',
    },
  },
  wmsDuplicate: {
    summary: 'Not sent: the same status at the same occurred_at was delivered',
    value: {
      operation_id: WMS_OPERATION,
      status: 'DUPLICATE',
      duplicate_of: WMS_EARLIER_OPERATION,
      detail: 'this fulfilment is carried by another operation; it was not sent again',
    },
  },
  storefrontDelivered: {
    summary: 'Shipped',
    value: {
      operation_id: STOREFRONT_OPERATION,
      status: 'SUCCEEDED',
      attempts: 1,
      top_request_id: IOP_REQUEST_ID,
      top_result: { result: { result_success: true }, request_id: IOP_REQUEST_ID },
    },
  },
  storefrontReconciled: {
    summary: 'Shipped by a call whose answer was lost (reconciled)',
    value: { operation_id: STOREFRONT_OPERATION, status: 'SUCCEEDED', attempts: 2, reconciled: true },
  },
  storefrontDuplicate: {
    summary: 'Not sent: another delivery carried the same fulfilment',
    value: {
      operation_id: STOREFRONT_OPERATION,
      status: 'DUPLICATE',
      duplicate_of: STOREFRONT_EARLIER_OPERATION,
      detail: 'this fulfilment is carried by another operation; it was not sent again',
    },
  },
  wmsPendingRetry: {
    summary: 'The gateway timed out: kept for retry',
    value: {
      operation_id: WMS_OPERATION,
      status: 'PENDING_RETRY',
      attempts: 1,
      next_attempt_at: '2026-11-23T10:00:31.412Z',
      last_error: {
        kind: 'transient',
        code: 15,
        sub_code: 'isp.top-remote-connection-timeout',
        sub_msg: 'remote service timed out',
      },
    },
  },
  storefrontPendingRetry: {
    summary: 'Rate-limited: kept until the ban ends',
    value: {
      operation_id: STOREFRONT_OPERATION,
      status: 'PENDING_RETRY',
      attempts: 1,
      next_attempt_at: '2026-11-23T10:00:03.000Z',
      last_error: {
        kind: 'rate_limited',
        code: 'ApiCallLimit',
        sub_msg: 'This ban will last for 2 more seconds',
      },
    },
  },
  replayedDead: {
    summary: 'Replayed, and the platform timed out again: DEAD goes back to PENDING_RETRY',
    value: {
      operation_id: STOREFRONT_OPERATION,
      status: 'PENDING_RETRY',
      attempts: 1,
      next_attempt_at: '2026-11-24T09:15:30.000Z',
      last_error: { kind: 'transient', code: 'ServiceTimeout', sub_msg: 'The request timed out' },
    },
  },
} satisfies Record<string, Example>;

export const operationViewExamples = {
  dead: {
    summary: 'A fulfilment whose retry budget is spent',
    value: {
      operation_id: STOREFRONT_OPERATION,
      flow: 'storefront-fulfill',
      status: 'DEAD',
      attempts: 10,
      webhook_id: STOREFRONT_WEBHOOK_ID,
      created_at: '2026-11-23T10:00:00.000Z',
      updated_at: '2026-11-24T02:41:07.118Z',
      last_error: {
        kind: 'auth',
        message: 'Invalid token',
        code: 'IllegalAccessToken',
        top_request_id: IOP_REQUEST_ID,
      },
      outcome_unknown: false,
      request: {
        method: 'aliexpress.solution.order.fulfill',
        seller_id: 'shop-1',
        params: storefrontFulfillment.fulfillment,
      },
    },
  },
  succeeded: {
    summary: 'A delivery-order event delivered',
    value: {
      operation_id: WMS_OPERATION,
      flow: 'wms-delivery',
      status: 'SUCCEEDED',
      attempts: 1,
      webhook_id: WMS_WEBHOOK_ID,
      created_at: '2026-11-23T10:00:00.000Z',
      updated_at: '2026-11-23T10:00:00.412Z',
      top_request_id: TOP_REQUEST_ID,
      top_result: { result: { success: true }, request_id: TOP_REQUEST_ID },
      request: { method: 'tmall.ovs.delivery.order.info.send', params: wmsDeliveryOrder.delivery_order },
    },
  },
} satisfies Record<string, Example>;

export const operationPageExamples = {
  dead: {
    summary: 'DEAD operations, one page',
    value: {
      items: [
        {
          operation_id: STOREFRONT_OPERATION,
          flow: 'storefront-fulfill',
          status: 'DEAD',
          attempts: 10,
          created_at: '2026-11-23T10:00:00.000Z',
          updated_at: '2026-11-24T02:41:07.118Z',
          last_error: { kind: 'auth', message: 'Invalid token', code: 'IllegalAccessToken' },
        },
      ],
      next_cursor: null,
    },
  },
} satisfies Record<string, Example>;

export const replayBatchExamples = {
  replayed: {
    summary: 'Two replayed, one taken by another caller meanwhile',
    value: {
      replayed: 2,
      skipped: 1,
      operation_ids: [STOREFRONT_OPERATION, STOREFRONT_EARLIER_OPERATION],
      outcomes: { SUCCEEDED: 1, PENDING_RETRY: 1 },
      remaining: 0,
    },
  },
} satisfies Record<string, Example>;

// The simulator's order detail for BP10000000018002 (every name, number and address is made up).
const SNAPSHOT = {
  parcel: { quantity: 1, parcel_type_code: 'BOX', width: '33', length: '14', weight: '7.41', height: '6' },
  logistics_order_id: 'BP10000000018002',
  logistics_channel_order_id: 'LC802407142031',
  trade_order_id: '9296294450252562',
  tracking_code: 'BR558617940',
  shipping_method_id: '1',
  logistics_channel_id: '2',
  receipt_address: {
    first_name: 'Ana',
    last_name: 'Souza',
    city: 'Rio de Janeiro',
    country: 'Brasil',
    zip_code: '33220-845',
    state: 'RJ',
    address: 'Avenida Paulista',
    address_number: '512',
    email: 'ana.souza.1624@example.com',
  },
  status: '3',
  tracking_url: 'https://tracking.example.com/73644806903020068188',
  logistics_channel_name: 'PEGAKI',
  products: [{ weight: '5', length: '10', width: '10', height: '10', price: '63.13', quantity: 1 }],
};

// An order the platform answered for, several queries in a row, that it does not know.
const STOPPED_ERROR = {
  kind: 'permanent',
  message: 'the platform has no such logistics order',
  sub_code: 'ORDER_NOT_FOUND',
  at: '2026-11-23T10:25:00.412Z',
};
const STOPPED = {
  reason: 'TOP does not know this logistics order: 5 queries in a row answered without it',
  sub_code: 'ORDER_NOT_FOUND',
  at: '2026-11-23T10:25:00.412Z',
};

export const logisticsOrderExamples = {
  created: {
    summary: 'Tracking starts: the first refresh is due now',
    value: {
      logistics_order_id: 'BP10000000018002',
      seller_id: 'shop-1',
      history: [],
      last_refreshed_at: null,
      last_error: null,
      next_refresh_at: '2026-11-23T10:00:00.000Z',
    },
  },
  shipped: {
    summary: 'Shipped, refreshed every few minutes',
    value: {
      logistics_order_id: 'BP10000000018002',
      seller_id: 'shop-1',
      status: '3',
      snapshot: SNAPSHOT,
      history: [
        { status: '1', at: '2026-11-23T10:00:00.318Z' },
        { status: '2', at: '2026-11-23T10:05:01.027Z' },
        { status: '3', at: '2026-11-23T10:10:00.842Z' },
      ],
      last_refreshed_at: '2026-11-23T10:10:00.842Z',
      last_error: null,
      next_refresh_at: '2026-11-23T10:15:00.842Z',
    },
  },
  parked: {
    summary: 'Parked: the platform refused the seller’s session',
    value: {
      logistics_order_id: 'BP10000000018003',
      seller_id: 'shop-2',
      status: '2',
      history: [{ status: '2', at: '2026-11-23T09:00:00.000Z' }],
      last_refreshed_at: '2026-11-23T09:00:00.000Z',
      last_error: {
        kind: 'auth',
        message: 'Invalid token',
        code: 'IllegalAccessToken',
        at: '2026-11-23T09:05:00.000Z',
      },
      parked: {
        reason: 'TOP refused the seller session',
        code: 'IllegalAccessToken',
        session_fingerprint: 'nR2uxXk3GdG7n0QH',
        at: '2026-11-23T09:05:00.000Z',
      },
    },
  },
  stopped: {
    summary: 'Stopped: the platform does not know the order',
    value: {
      logistics_order_id: 'BP10000000018004',
      seller_id: 'shop-1',
      history: [],
      last_refreshed_at: null,
      last_error: STOPPED_ERROR,
      stopped: STOPPED,
    },
  },
} satisfies Record<string, Example>;

export const logisticsOrderPageExamples = {
  parked: {
    summary: 'Parked orders, one page',
    value: {
      items: [
        {
          logistics_order_id: 'BP10000000018003',
          seller_id: 'shop-2',
          status: '2',
          tracked_at: '2026-11-23T08:55:00.000Z',
          last_refreshed_at: '2026-11-23T09:00:00.000Z',
          next_refresh_at: null,
          parked: {
            reason: 'TOP refused the seller session',
            code: 'IllegalAccessToken',
            at: '2026-11-23T09:05:00.000Z',
          },
          stopped: null,
          finished_at: null,
          last_error: logisticsOrderExamples.parked.value.last_error,
        },
      ],
      next_cursor:
        'eyJxIjoiM3FrVXc4c2l4cE5IRDFXVDVOMFlGQSIsInAiOnsiYnAjcGFya2VkIjp7ImF0IjoxNzk1NDIyMTAwMDAwLCJwayI6ImxvI0JQMTAwMDAwMDAwMTgwMDMifX19.q1m0yGkZfC7Xb3O4n0vR8c9ZtE2hQ6wL5aJ1sU8dVgI',
    },
  },
  stopped: {
    summary: 'Orders whose refreshes stopped, last page',
    value: {
      items: [
        {
          logistics_order_id: 'BP10000000018004',
          seller_id: 'shop-1',
          status: null,
          tracked_at: '2026-11-23T10:00:00.000Z',
          last_refreshed_at: null,
          next_refresh_at: null,
          parked: null,
          stopped: STOPPED,
          finished_at: null,
          last_error: STOPPED_ERROR,
        },
      ],
      next_cursor: null,
    },
  },
} satisfies Record<string, Example>;

const ACTIVE_SELLER = {
  seller_id: 'shop-9',
  platform_seller_id: '2000001',
  status: 'ACTIVE',
  access_token_expires_at: '2026-12-23T10:00:00.000Z',
  refresh_token_expires_at: '2027-01-22T10:00:00.000Z',
  authorized_at: '2026-11-23T10:00:00.000Z',
  last_refreshed_at: null,
  last_error: null,
  authorize_url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/sellers/shop-9/authorize',
};

export const sellerExamples = {
  active: { summary: 'Authorized; tokens renew themselves', value: ACTIVE_SELLER },
  reauthorize: {
    summary: 'The platform refused the renewal: send the seller the link',
    value: {
      ...ACTIVE_SELLER,
      status: 'REAUTHORIZE',
      last_refreshed_at: '2026-12-08T10:00:03.000Z',
      last_error: { code: 'IllegalRefreshToken', message: 'The refresh token is invalid or expired' },
    },
  },
} satisfies Record<string, Example>;

export const sellerListExamples = {
  one: { summary: 'One seller', value: { items: [ACTIVE_SELLER] } },
} satisfies Record<string, Example>;

export const statusExamples = {
  banned: {
    summary: 'A rate-limit ban lasts; one seller parked',
    value: {
      ban: { until: '2026-11-23T10:00:03.000Z' },
      operations: {
        IN_PROGRESS: 0,
        SUCCEEDED: 1204,
        PENDING_RETRY: 3,
        DEAD: 1,
        FAILED: 2,
        DUPLICATE: 17,
        STALE: 4,
      },
      parked: { sellers: 1, orders: 12 },
      stopped: { orders: 2 },
      capped: [],
    },
  },
  capped: {
    summary: 'Too many SUCCEEDED operations to count at once: a lower bound',
    value: {
      ban: { until: null },
      operations: {
        IN_PROGRESS: 1,
        SUCCEEDED: 412000,
        PENDING_RETRY: 0,
        DEAD: 0,
        FAILED: 0,
        DUPLICATE: 310,
        STALE: 12,
      },
      parked: { sellers: 0, orders: 0 },
      stopped: { orders: 0 },
      capped: ['operations.SUCCEEDED'],
    },
  },
} satisfies Record<string, Example>;

export const callbackPageExamples = {
  connected: {
    summary: 'The seller is connected',
    value: htmlPage(200, 'Seller connected', [
      'Seller shop-9 is now connected (platform seller id 2000001).',
      'You can close this page.',
    ]).body,
  },
  expired: {
    summary: 'The link expired',
    value: htmlPage(400, 'The seller was not connected', [
      'this authorization link expired (it is valid for 10 minutes): ask for a new one',
    ]).body,
  },
} satisfies Record<string, Example>;

const problem = (slug: string, title: string, status: number, detail: string, extra: object = {}) => ({
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
