import { htmlPage } from '#lib/http/html-page.ts';
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
export const WMS_WEBHOOK_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
export const WMS_OPERATION = 'op_hxFRRghc4RCkif0OViOuR4sWY_';
export const WMS_EARLIER_OPERATION = 'op_AxcUpJYn_FoJ3WCFeAIV2K1S2H';
export const STOREFRONT_WEBHOOK_ID = 'msg_2KWPDeQ3nZ8yWcX5tRb0LmKs7Gv';
export const STOREFRONT_OPERATION = 'op_QzlL214KPsZbvi4_m5ubw8NJ8E';
export const STOREFRONT_EARLIER_OPERATION = 'op_alcRn_3iRMCXUL5p0p_SHrbWzi';
export const TOP_REQUEST_ID = '16fx9sr8eh1nr';
export const IOP_REQUEST_ID = '2101e9d617639234567890123e5f6a';

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
