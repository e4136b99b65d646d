import type { Example } from './examples.ts';

/** Examples of tracked logistics orders, one and in pages. */
export const SNAPSHOT = {
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
export const STOPPED_ERROR = {
  kind: 'permanent',
  message: 'the platform has no such logistics order',
  sub_code: 'ORDER_NOT_FOUND',
  at: '2026-11-23T10:25:00.412Z',
};
export const STOPPED = {
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
