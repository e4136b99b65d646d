import storefrontFulfillment from '../../../examples/storefront-fulfillment.json' with { type: 'json' };
import wmsDeliveryOrder from '../../../examples/wms-delivery-order.json' with { type: 'json' };
import {
  type Example,
  IOP_REQUEST_ID,
  STOREFRONT_EARLIER_OPERATION,
  STOREFRONT_OPERATION,
  STOREFRONT_WEBHOOK_ID,
  TOP_REQUEST_ID,
  WMS_OPERATION,
  WMS_WEBHOOK_ID,
} from './examples.ts';

/** Examples of the operator API's answers: operations, replays, sellers, the status. */
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
export const ACTIVE_SELLER = {
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
