import { readFile } from 'node:fs/promises';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { errorResponse } from '#lib/http/error-response.ts';
import { listedOrderView, logisticsOrderView } from '#lib/http/logistics-order-view.ts';
import { sellerView } from '#lib/http/seller-view.ts';
import { OperationInFlightError, OperationTooLargeError } from '#lib/operations/errors.ts';
import type { TrackedOrder } from '#lib/tracking/order.ts';
import { expectDocumented, type ReadAnswer } from '#test/helpers/documented.ts';
import {
  type OperatorAnswer,
  type OperatorHarness,
  operationRecord,
  operatorHarness,
} from '#test/helpers/operator-harness.ts';
import { sellerAuthorization, T0 } from '#test/helpers/sellers.ts';
import { type SellersHarness, sellersHarness } from '#test/helpers/sellers-harness.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TRACKING_ROUTE, type TrackingHarness, trackingHarness } from '#test/helpers/tracking-harness.ts';
import {
  fulfillment,
  type HttpResult,
  STOREFRONT_ROUTE,
  type WebhookHarness,
  WMS_ROUTE,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

const parts = useTestParts();

const example = async (name: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8'));

const read = (result: APIGatewayProxyStructuredResultV2): ReadAnswer => ({
  status: result.statusCode ?? 200,
  headers: result.headers ?? {},
  body: result.body ? JSON.parse(result.body) : '',
});
const answer = (result: HttpResult | OperatorAnswer): ReadAnswer => ({
  status: result.status,
  headers: result.headers,
  body: result.raw === '' ? '' : result.body,
});
const PROBLEM = 'urn:top-webhooks:problem:';
const MINUTE = 60_000;

describe('what the webhooks and the operator API answer is what the document says', () => {
  let stack: WebhookHarness;
  beforeAll(async () => {
    stack = await webhookHarness(parts.dynamo, parts.sim);
  });

  it('POST /webhooks/wms/delivery-orders: delivered, replayed, stale, kept for retry', async () => {
    const packed = await example('wms-delivery-order.json');
    const delivered = await stack.deliverWms(packed, { id: 'msg_doc_wms_1' });
    expect(delivered.status).toBe(200);
    expectDocumented(WMS_ROUTE, answer(delivered));
    const replayed = await stack.deliverWms(packed, { id: 'msg_doc_wms_1' });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expectDocumented(WMS_ROUTE, answer(replayed));

    const older = { ...packed, occurred_at: '2026-11-23T09:00:00Z' };
    const stale = await stack.deliverWms(older, { id: 'msg_doc_wms_2' });
    expect(stale.body.status).toBe('STALE');
    expectDocumented(WMS_ROUTE, answer(stale));

    parts.sim.faults.set([{ type: 'isp', count: 1 }]);
    const failed = await stack.deliverWms(await example('wms-pack-fail.json'), { id: 'msg_doc_wms_3' });
    expect(failed.status).toBe(202);
    expectDocumented(WMS_ROUTE, answer(failed));
  });

  it('POST /webhooks/storefront/fulfillments: shipped, duplicate, refused by the platform, then replayed', async () => {
    const body = await example('storefront-fulfillment.json');
    const shipped = await stack.deliverStorefront(body, { id: 'msg_doc_sf_1' });
    expect(shipped.status).toBe(200);
    expectDocumented(STOREFRONT_ROUTE, answer(shipped));
    const duplicate = await stack.deliverStorefront(body, { id: 'msg_doc_sf_2' });
    expect(duplicate.body.status).toBe('DUPLICATE');
    expectDocumented(STOREFRONT_ROUTE, answer(duplicate));

    const refusal = {
      type: 'error',
      code: 'InvalidParameter',
      error_type: 'ISV',
      msg: 'Remote service error',
      sub_code: 'isv.invalid-parameter',
      sub_msg: 'the order cannot be shipped',
      count: 1,
    } as const;
    parts.sim.faults.set([refusal]);
    const other = { ...body, fulfillment: { ...(body.fulfillment as object), out_ref: '777' } };
    const refused = await stack.deliverStorefront(other, { id: 'msg_doc_sf_3' });
    expect(refused.status).toBe(422);
    expectDocumented(STOREFRONT_ROUTE, answer(refused));

    const id = String(refused.body.operation_id);
    expectDocumented('GET /operations/{id}', answer(await stack.getOperation(id)));
    parts.sim.faults.set([refusal]);
    expectDocumented('POST /operations/{id}/replay', answer(await stack.replay(id)));
    const replayed = await stack.replay(id);
    expect(replayed.status).toBe(200);
    expectDocumented('POST /operations/{id}/replay', answer(replayed));
    const again = await stack.replay(id);
    expect(again.status).toBe(409);
    expectDocumented('POST /operations/{id}/replay', answer(again));
  });

  it.each([
    ['unsigned', { secret: null }, 401],
    ['malformed JSON', { raw: '{"seller_id":' }, 400],
    ['a broken rule', { body: { fulfillment: { out_ref: '1' } } }, 400],
    ['an Idempotency-Key header', { idempotencyKey: 'k-1' }, 400],
    ['not JSON', { contentType: 'text/plain' }, 415],
    ['an unknown seller', { body: { seller_id: 'shop-7' } }, 422],
    ['over 1 MiB', { raw: `{"pad":"${'x'.repeat(1024 * 1024)}"}` }, 413],
  ] as const)('POST /webhooks/storefront/fulfillments refuses %s as documented', async (_, how, status) => {
    const base = await example('storefront-fulfillment.json');
    const body = 'raw' in how ? how.raw : { ...base, ...('body' in how ? how.body : {}) };
    const refused = await stack.deliverStorefront(body, {
      ...('secret' in how && { secret: how.secret }),
      ...('idempotencyKey' in how && { idempotencyKey: how.idempotencyKey }),
      ...('contentType' in how && { contentType: how.contentType }),
    });
    expect(refused.status).toBe(status);
    expectDocumented(STOREFRONT_ROUTE, answer(refused));
  });

  it('the same webhook-id with another body is refused as documented', async () => {
    const body = await example('wms-delivery-order.json');
    await stack.deliverWms(body, { id: 'msg_doc_reuse' });
    const reused = await stack.deliverWms(
      { ...body, occurred_at: '2026-11-23T11:00:00Z' },
      { id: 'msg_doc_reuse' },
    );
    expect(reused.status).toBe(422);
    expectDocumented(WMS_ROUTE, answer(reused));
  });

  it('an unknown operation is a documented 404, read or replayed', async () => {
    expectDocumented(
      'GET /operations/{id}',
      answer(await stack.getOperation('op_AAAAAAAAAAAAAAAAAAAAAAAAAA')),
    );
    expectDocumented('GET /operations/{id}', answer(await stack.getOperation('not-an-id')));
    expectDocumented(
      'POST /operations/{id}/replay',
      answer(await stack.replay('op_AAAAAAAAAAAAAAAAAAAAAAAAAA')),
    );
  });

  it.each([
    ['a delivery in flight', new OperationInFlightError('op_hxFRRghc4RCkif0OViOuR4sWY_', 1_500), 409],
    ['a request too large to record', new OperationTooLargeError({ cause: undefined }), 413],
    [
      'DynamoDB down',
      new StoreUnavailableError('operations', 'claim an operation', { cause: undefined }),
      503,
    ],
    ['a bug', new TypeError('boom'), 500],
  ])('the webhooks answer %s as documented', (_, error, status) => {
    const mapped = read(errorResponse(error).response);
    expect(mapped.status).toBe(status);
    expectDocumented(WMS_ROUTE, mapped);
    expectDocumented(STOREFRONT_ROUTE, mapped);
  });
});

describe('what the tracking webhook and GET /logistics-orders/{id} answer is what the document says', () => {
  let tracking: TrackingHarness;
  beforeAll(async () => {
    tracking = await trackingHarness(parts);
  });
  afterAll(() => tracking.close());

  it('tracking starts (201), is tracked already (200), is refreshed, is unknown (404)', async () => {
    const body = await example('tracking-logistics-order.json');
    const created = await tracking.track(body);
    expect(created.status).toBe(201);
    expectDocumented(TRACKING_ROUTE, created);
    await tracking.round();
    const again = await tracking.track(body);
    expect(again.status).toBe(200);
    expectDocumented(TRACKING_ROUTE, again);

    const view = await tracking.view('BP10000000018002');
    expect(view.body.snapshot).toBeDefined();
    expectDocumented('GET /logistics-orders/{id}', {
      ...view,
      headers: { 'content-type': 'application/json' },
    });
    const unknown = await tracking.view('BP-NOT-TRACKED');
    expect(unknown.status).toBe(404);
    expectDocumented('GET /logistics-orders/{id}', {
      ...unknown,
      headers: { 'content-type': 'application/problem+json' },
    });
  });

  it('refuses as documented', async () => {
    expectDocumented(TRACKING_ROUTE, await tracking.track({ logistics_order_id: 'BP1' }, null));
    expectDocumented(TRACKING_ROUTE, await tracking.track({ logistics_order_id: '' }));
    expectDocumented(
      TRACKING_ROUTE,
      await tracking.track({ seller_id: 'shop-7', logistics_order_id: 'BP1' }),
    );
  });

  it('a parked order, a failed refresh and a finished order are views the document describes', () => {
    const at = Date.UTC(2026, 10, 23, 9);
    const order: TrackedOrder = {
      logistics_order_id: 'BP10000000018003',
      seller_id: 'shop-2',
      created_at: at,
      status: '6',
      history: [{ status: '6', at }],
      unchanged_refreshes: 0,
      last_refreshed_at: at,
      finished_at: at,
    };
    const parked: TrackedOrder = {
      ...order,
      status: '2',
      finished_at: undefined,
      last_error: { kind: 'auth', message: 'Invalid token', code: 'IllegalAccessToken', at },
      parked: { reason: 'TOP refused the seller session', code: 27, session_fingerprint: 'abc', at },
    };
    const stopped: TrackedOrder = {
      ...order,
      status: undefined,
      history: [],
      last_refreshed_at: undefined,
      finished_at: undefined,
      last_error: { kind: 'permanent', message: 'no such order', sub_code: 'ORDER_NOT_FOUND', at },
      stopped: { reason: 'TOP does not know this logistics order', code: 15, sub_code: 'NF', at },
    };
    const orders = [order, parked, stopped];
    for (const view of orders.map(logisticsOrderView)) {
      expectDocumented('GET /logistics-orders/{id}', {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.parse(JSON.stringify(view)),
      });
    }
    expectDocumented('GET /logistics-orders', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.parse(JSON.stringify({ items: orders.map(listedOrderView), next_cursor: null })),
    });
  });
});

describe("what sellers' authorization answers is what the document says", () => {
  let sellers: SellersHarness;
  beforeAll(async () => {
    sellers = await sellersHarness(parts);
  });
  afterAll(() => sellers.close());

  it('the callback pages, the seller view and a seller who never completed an authorization', async () => {
    const connected = await sellers.authorize('shop-9');
    expect(connected.status).toBe(200);
    expectDocumented('GET /oauth/callback', { ...connected, body: connected.html });
    const expired = await sellers.callbackWith({ code: 'c', state: 'not-a-state' });
    expect(expired.status).toBe(400);
    expectDocumented('GET /oauth/callback', { ...expired, body: expired.html });

    expectDocumented('GET /sellers/{seller_id}', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: await sellers.view('shop-9'),
    });
    const pending = sellerView({ seller_id: 'shop-8' }, T0, 'https://hooks.example.test');
    const active = sellerView({ seller_id: 'shop-7', authorization: sellerAuthorization() }, T0, undefined);
    for (const view of [pending, active]) {
      expectDocumented('GET /sellers/{seller_id}', {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.parse(JSON.stringify(view)),
      });
    }
  });
});

describe('what the operator lists, the bulk replay, the status and the untracking answer is what the document says', () => {
  let stack: OperatorHarness;
  beforeAll(async () => {
    stack = await operatorHarness(parts, { env: { RETRY_MAX_ATTEMPTS: '1' } });
  });
  afterAll(() => stack.close());

  it('GET /operations: a page with an item and a next cursor; a refused cursor; a bad parameter', async () => {
    for (const key of ['doc-list-1', 'doc-list-2']) {
      await stack.seedOperation(operationRecord(key, 'DEAD', stack.clock.now - 60 * MINUTE));
    }
    const page = await stack.call('GET /operations', { query: { status: 'DEAD', limit: '1' } });
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.next_cursor).toEqual(expect.any(String));
    expectDocumented('GET /operations', answer(page));

    const cursor = String(page.body.next_cursor);
    const otherQuery = await stack.call('GET /operations', { query: { status: 'FAILED', cursor } });
    const forged = await stack.call('GET /operations', { query: { status: 'DEAD', cursor: 'abc.def' } });
    for (const refused of [otherQuery, forged]) {
      expect(refused.status).toBe(400);
      expect(refused.body.type).toBe(`${PROBLEM}invalid-cursor`);
      expectDocumented('GET /operations', answer(refused));
    }
    const invalid = await stack.call('GET /operations', { query: { status: 'DEAD', limit: '0', x: '1' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toHaveLength(2);
    expectDocumented('GET /operations', answer(invalid));
  });

  it('POST /operations/replay: what was replayed, how it ended, what remains; a broken rule', async () => {
    parts.sim.faults.set([{ type: 'isp', count: 2 }]);
    for (const outRef of ['880001', '880002']) {
      const dead = await stack.deliverStorefront({
        seller_id: 'shop-1',
        fulfillment: fulfillment({ out_ref: outRef }),
      });
      expect(dead.body.status).toBe('DEAD');
    }
    parts.sim.faults.set([]);

    const replayed = await stack.call('POST /operations/replay', {
      body: { status: 'DEAD', flow: 'storefront-fulfill' },
    });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ replayed: 2, outcomes: { SUCCEEDED: 2 }, remaining: 0 });
    expectDocumented('POST /operations/replay', answer(replayed));
    const none = await stack.call('POST /operations/replay', {
      body: { status: 'DEAD', flow: 'storefront-fulfill' },
    });
    expect(none.body).toMatchObject({ replayed: 0, outcomes: {} });
    expectDocumented('POST /operations/replay', answer(none));

    const refused = await stack.call('POST /operations/replay', { body: { status: 'PENDING_RETRY' } });
    expect(refused.status).toBe(400);
    expectDocumented('POST /operations/replay', answer(refused));
  });

  it('GET /logistics-orders, GET /logistics-orders/{id}, GET /status and DELETE /logistics-orders/{id}: refreshed, stopped, untracked', async () => {
    for (const id of ['BP10000000018002', 'NOTFOUND-DOC']) {
      expect((await stack.track({ seller_id: 'shop-1', logistics_order_id: id })).status).toBe(201);
      stack.clock.now += 1_000;
    }
    // Enough rounds for the platform's "no such order" to stop the unknown one's refreshes.
    for (let round = 0; round < 6; round++) {
      await stack.round();
      stack.clock.now += 30 * MINUTE;
    }

    const page = await stack.call('GET /logistics-orders', { query: { limit: '1' } });
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.next_cursor).toEqual(expect.any(String));
    expectDocumented('GET /logistics-orders', answer(page));
    const rest = await stack.call('GET /logistics-orders', {
      query: { cursor: String(page.body.next_cursor) },
    });
    expect(rest.status).toBe(200);
    expectDocumented('GET /logistics-orders', answer(rest));
    const stopped = await stack.call('GET /logistics-orders', { query: { stopped: 'true' } });
    expect(stopped.body.items).toEqual([
      expect.objectContaining({ logistics_order_id: 'NOTFOUND-DOC', stopped: expect.any(Object) }),
    ]);
    expectDocumented('GET /logistics-orders', answer(stopped));
    const refreshed = await stack.call('GET /logistics-orders', { query: { status: '3', stopped: 'false' } });
    expectDocumented('GET /logistics-orders', answer(refreshed));

    const view = await stack.call('GET /logistics-orders/{id}', { pathParameters: { id: 'NOTFOUND-DOC' } });
    expect(view.body.stopped).toEqual(expect.objectContaining({ reason: expect.any(String) }));
    expectDocumented('GET /logistics-orders/{id}', answer(view));

    const status = await stack.call('GET /status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ stopped: { orders: 1 }, capped: [] });
    expectDocumented('GET /status', answer(status));

    const otherFilters = await stack.call('GET /logistics-orders', {
      query: { parked: 'true', cursor: String(page.body.next_cursor) },
    });
    const both = await stack.call('GET /logistics-orders', { query: { parked: 'true', stopped: 'true' } });
    expect([otherFilters.body.type, both.body.type]).toEqual([
      `${PROBLEM}invalid-cursor`,
      `${PROBLEM}invalid-query`,
    ]);
    expectDocumented('GET /logistics-orders', answer(otherFilters));
    expectDocumented('GET /logistics-orders', answer(both));

    const untracked = await stack.call('DELETE /logistics-orders/{id}', {
      pathParameters: { id: 'NOTFOUND-DOC' },
    });
    expect(untracked.status).toBe(204);
    expectDocumented('DELETE /logistics-orders/{id}', answer(untracked));
    const again = await stack.call('DELETE /logistics-orders/{id}', {
      pathParameters: { id: 'NOTFOUND-DOC' },
    });
    expect(again.status).toBe(404);
    expectDocumented('DELETE /logistics-orders/{id}', answer(again));
  });
});
