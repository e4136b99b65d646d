import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { CorruptItemError } from '#lib/dynamo/errors.ts';
import { errorResponse } from '#lib/http/error-response.ts';
import { indexTime } from '#lib/operations/table.ts';
import type { TrackedOrder } from '#lib/tracking/order.ts';
import {
  listedOrderFromItem,
  orderFromItem,
  orderIdFromKey,
  orderKey,
  orderToItem,
} from '#lib/tracking/order-item.ts';

const PHONE = '+55 11 98765-4321';
const now = 1_700_000_000_000;

// Every field set, the snapshot as TOP's detail reads: what a refresh that failed once writes.
const fullOrder: TrackedOrder = {
  logistics_order_id: '5000123456789012',
  seller_id: 'shop-1',
  created_at: now - 60_000,
  status: '3',
  snapshot: {
    logistics_order_id: '5000123456789012',
    status: '3',
    receipt_address: { first_name: 'Ana', cell_phone: PHONE, city: 'São Paulo' },
    products: [{ sku_id: '12', quantity: 2, price: '10.50' }],
    parcel: { quantity: 1, weight: '0.4' },
  },
  history: [
    { status: '2', at: now - 50_000 },
    { status: '3', at: now - 10_000 },
  ],
  last_refreshed_at: now - 10_000,
  last_error: {
    kind: 'rate_limited',
    message: 'App Call Limited',
    code: 7,
    sub_code: 'accesscontrol',
    at: now,
  },
  unchanged_refreshes: 2,
  next_refresh_at: now + 300_000,
  dispatch_token: 'token-1',
  finished_at: undefined,
  expires_at: undefined,
};

// Through DynamoDB's own encoding, as the store writes (undefined left out) and reads it.
const stored = (item: Record<string, unknown>) => unmarshall(marshall(item, { removeUndefinedValues: true }));

const { finished_at: _f, expires_at: _e, ...withoutUndefined } = fullOrder;

const refusal = (item: Record<string, unknown>): CorruptItemError => {
  try {
    orderFromItem(item);
  } catch (error) {
    if (error instanceof CorruptItemError) return error;
    throw error;
  }
  throw new Error('the item was read');
};

describe('tracked order items', () => {
  it('round-trips a well-formed order, its key and index place dropped on the way in', () => {
    const item = stored(orderToItem(fullOrder));
    expect(item).toMatchObject({ pk: 'lo#5000123456789012', due_shard: 'refresh' });
    expect(typeof item.due_at).toBe('number');
    expect(orderFromItem(item)).toEqual(withoutUndefined);
  });

  it('round-trips a parked order and a newly registered one', () => {
    const { next_refresh_at: _n, dispatch_token: _d, ...waiting } = withoutUndefined;
    const parked: TrackedOrder = {
      ...waiting,
      parked: { reason: 'TOP refused the seller session', code: '27', session_fingerprint: 'fp1', at: now },
      last_error: { kind: 'auth', message: 'TOP refused the seller session', code: '27', at: now },
    };
    const parkedItem = stored(orderToItem(parked));
    expect(parkedItem.due_shard).toBe('parked#shop-1');
    expect(orderFromItem(parkedItem)).toEqual(parked);

    const registered: TrackedOrder = {
      logistics_order_id: 'BP1',
      seller_id: 'shop-1',
      created_at: now,
      history: [],
      unchanged_refreshes: 0,
      next_refresh_at: now,
    };
    expect(orderFromItem(stored(orderToItem(registered)))).toEqual(registered);
  });

  it('reads the id back from the key the index lists', () => {
    expect(orderIdFromKey(orderKey('BP#1').pk)).toBe('BP#1');
  });

  it('refuses an unknown error kind and missing fields, naming the fields and no value', () => {
    const { seller_id: _s, history: _h, ...item } = stored(orderToItem(fullOrder));
    const error = refusal({
      ...item,
      last_error: { ...fullOrder.last_error, kind: 'exploded-quietly' },
      status: 6,
    });

    expect(error.fields).toEqual(['seller_id', 'status', 'history', 'last_error.kind']);
    expect(error.message).toContain('last_error.kind');
    for (const value of ['exploded-quietly', 'shop-1', PHONE, '5000123456789012', 'São Paulo', '6']) {
      expect(error.message).not.toContain(value);
    }
  });

  it('refuses a snapshot that is not an object and a malformed history entry, without their values', () => {
    const item = stored(orderToItem(fullOrder));
    const error = refusal({ ...item, snapshot: PHONE, history: [{ status: '2', at: 'yesterday' }] });
    expect(error.fields).toEqual(['snapshot', 'history.0.at']);
    expect(error.message).not.toContain(PHONE);
    expect(error.message).not.toContain('yesterday');
  });

  it('is our failure: a 500 logged as an error that shows nothing of the item', () => {
    const error = refusal({});
    expect(error).toMatchObject({ status: 500, slug: 'internal', outcome: 'error', logLevel: 'error' });
    const mapped = errorResponse(error);
    expect(mapped.response.statusCode).toBe(500);
    expect(mapped.response.body).not.toContain('logistics_order_id');
  });

  describe('its place in the list index', () => {
    const { next_refresh_at: _n, dispatch_token: _d, ...waiting } = withoutUndefined;
    const parked = { reason: 'TOP refused the seller session', session_fingerprint: 'fp1', at: now };
    const stopped = {
      reason: 'TOP does not know this logistics order',
      sub_code: 'ORDER_NOT_FOUND',
      at: now,
    };

    it.each([
      ['a refreshed order: its status', withoutUndefined, 'lo#status#3'],
      ['an order not read yet: none', { ...withoutUndefined, status: undefined }, 'lo#status#none'],
      ['a status TOP may add later: other', { ...withoutUndefined, status: '42' }, 'lo#status#other'],
      ['a parked order, whatever its status', { ...waiting, parked }, 'lo#parked'],
      ['a stopped order, whatever its status', { ...waiting, stopped, not_found_refreshes: 5 }, 'lo#stopped'],
    ] as const)('is %s', (_, order, shard) => {
      const item = stored(orderToItem(order as TrackedOrder));

      expect(item.list_shard).toBe(shard);
      // By when tracking started, whatever else changes.
      expect(item.list_at).toBe(indexTime(fullOrder.created_at, 'lo#5000123456789012'));
    });

    it('round-trips a stopped order, out of the due index', () => {
      const order: TrackedOrder = { ...waiting, stopped, not_found_refreshes: 5 };
      const item = stored(orderToItem(order));

      expect(item).not.toHaveProperty('due_shard');
      expect(orderFromItem(item)).toEqual(order);
    });

    it('reads a listed order without its snapshot or history', () => {
      const { snapshot: _s, history: _h, ...listed } = stored(orderToItem(fullOrder));

      expect(listedOrderFromItem(listed)).not.toHaveProperty('snapshot');
      expect(listedOrderFromItem(listed)).toMatchObject({
        logistics_order_id: '5000123456789012',
        status: '3',
      });
    });
  });
});
