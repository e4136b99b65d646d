import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestParts } from '#test/helpers/test-parts.ts';
import {
  deliveryOrder,
  fulfillment,
  type WebhookHarness,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

let stack: WebhookHarness;

const parts = useTestParts();

const calls = (method?: string) => parts.sim.ledger.filter((entry) => !method || entry.method === method);

describe('accepting a webhook', () => {
  beforeAll(async () => {
    stack = await webhookHarness(parts.dynamo, parts.sim);
  });

  describe('the contract examples', () => {
    it('sends a WMS delivery order to TOP once and answers 200 with the operation', async () => {
      const body = { occurred_at: '2026-11-23T10:00:00Z', delivery_order: deliveryOrder() };
      const response = await stack.deliverWms(body);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
      expect(response.body.operation_id).toMatch(/^op_/);
      expect(response.body.top_request_id).toEqual(expect.any(String));
      expect(calls()).toHaveLength(1);
      expect(calls()[0]).toMatchObject({ method: 'tmall.ovs.delivery.order.info.send' });
      expect(calls()[0]?.params).toEqual(deliveryOrder());
    });

    it('ships a storefront order for the named seller once and answers 200', async () => {
      const response = await stack.deliverStorefront({ seller_id: 'shop-1', fulfillment: fulfillment() });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'SUCCEEDED',
        top_result: { result: { result_success: true } },
      });
      expect(calls('aliexpress.solution.order.fulfill')).toHaveLength(1);
      expect(calls()[0]?.params).toMatchObject(fulfillment());
    });

    it('picks the only configured seller when the body names none', async () => {
      const response = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '1001' }) });
      expect(response.status).toBe(200);
      expect((await stack.getOperation(String(response.body.operation_id))).body).toMatchObject({
        request: { seller_id: 'shop-1' },
      });
    });

    it('reads a base64-encoded body as API Gateway hands it over', async () => {
      const response = await stack.deliverWms(
        { delivery_order: deliveryOrder({ ticket_id: 'T-B64' }) },
        { base64: true },
      );
      expect(response.status).toBe(200);
      expect(calls()).toHaveLength(1);
    });
  });

  describe('idempotency', () => {
    it('replays the stored result when the same delivery arrives twice, without a second call', async () => {
      const body = { delivery_order: deliveryOrder({ ticket_id: 'T-TWICE' }) };
      const first = await stack.deliverWms(body, { id: 'msg_twice' });
      const second = await stack.deliverWms(body, { id: 'msg_twice' });
      expect(second.status).toBe(first.status);
      expect(second.raw).toBe(first.raw);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(calls()).toHaveLength(1);
    });

    it('treats a body with other key order and spacing as the same body', async () => {
      const first = await stack.deliverWms(
        '{"delivery_order":{"ticket_id":"T-ORDER","status":"PACKAGING"}}',
        {
          id: 'msg_order',
        },
      );
      const second = await stack.deliverWms(
        '{ "delivery_order": { "status": "PACKAGING", "ticket_id": "T-ORDER" } }',
        {
          id: 'msg_order',
        },
      );
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(calls()).toHaveLength(1);
    });

    it('refuses the same delivery id with another body with 422 and makes no call', async () => {
      const first = await stack.deliverWms(
        { delivery_order: deliveryOrder({ ticket_id: 'T-REUSE' }) },
        { id: 'msg_reuse' },
      );
      const second = await stack.deliverWms(
        { delivery_order: deliveryOrder({ ticket_id: 'T-OTHER' }) },
        { id: 'msg_reuse' },
      );
      expect(second.status).toBe(422);
      expect(second.headers['content-type']).toBe('application/problem+json');
      expect(second.body).toMatchObject({
        type: 'urn:top-webhooks:problem:idempotency-key-reused',
        status: 422,
        operation_id: first.body.operation_id,
      });
      expect(calls()).toHaveLength(1);
    });

    it('refuses a captured delivery replayed with a new Idempotency-Key: 400, and no second call', async () => {
      const body = { delivery_order: deliveryOrder({ ticket_id: 'T-CAPTURED' }) };
      const timestamp = Math.floor(stack.clock.now / 1000);
      const first = await stack.deliverWms(body, { id: 'msg_captured', timestamp });
      expect(first.status).toBe(200);
      // The same signed headers and body, replayed by whoever saw them, with a key of their choosing.
      const rekeyed = await stack.deliverWms(body, {
        id: 'msg_captured',
        timestamp,
        idempotencyKey: 'attacker-key',
      });
      expect(rekeyed.status).toBe(400);
      expect(rekeyed.body).toMatchObject({ type: 'urn:top-webhooks:problem:unsigned-idempotency-key' });
      expect(calls()).toHaveLength(1);
    });

    it('refuses an Idempotency-Key header on a first delivery too, and stores nothing', async () => {
      const operations = async () => (await stack.items()).filter((item) => item.pk?.S?.startsWith('op#'));
      const before = (await operations()).length;
      const response = await stack.deliverWms(
        { delivery_order: deliveryOrder({ ticket_id: 'T-KEYED' }) },
        { idempotencyKey: 'key-1' },
      );
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(String(response.body.detail)).toMatch(/webhook-id/);
      expect(response.body).not.toHaveProperty('operation_id');
      expect(calls()).toHaveLength(0);
      expect(await operations()).toHaveLength(before);
    });

    it('answers 401 before looking at the Idempotency-Key of an unsigned delivery', async () => {
      const response = await stack.deliverWms(
        { delivery_order: deliveryOrder({ ticket_id: 'T-KEYED-UNSIGNED' }) },
        { idempotencyKey: 'key-2', secret: null },
      );
      expect(response.status).toBe(401);
    });

    it('keys on the webhook-id: the same delivery id is the same operation', async () => {
      const body = { delivery_order: deliveryOrder({ ticket_id: 'T-KEY' }) };
      const first = await stack.deliverWms(body, { id: 'msg_key' });
      const second = await stack.deliverWms(body, { id: 'msg_key' });
      expect(second.body.operation_id).toBe(first.body.operation_id);
      expect(calls()).toHaveLength(1);
    });

    it('makes exactly one call for 20 concurrent identical deliveries; the others replay or get 409', async () => {
      parts.sim.faults.set([{ type: 'latency', ms: 150 }]);
      const body = { delivery_order: deliveryOrder({ ticket_id: 'T-RACE' }) };
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => stack.deliverWms(body, { id: 'msg_race' })),
      );
      expect(calls()).toHaveLength(1);
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
      for (const response of responses.filter((r) => r.status === 409)) {
        expect(response.headers['retry-after']).toMatch(/^\d+$/);
        expect(response.body.operation_id).toBe(responses.find((r) => r.status === 200)?.body.operation_id);
      }
    });
  });

  describe('business dedupe of fulfilments', () => {
    it('does not ship again when the same fulfilment comes under a new delivery id after success', async () => {
      const body = { seller_id: 'shop-1', fulfillment: fulfillment({ out_ref: '2001' }) };
      const first = await stack.deliverStorefront(body);
      const again = await stack.deliverStorefront(body);
      expect(first.body.status).toBe('SUCCEEDED');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: 'DUPLICATE', duplicate_of: first.body.operation_id });
      expect(calls()).toHaveLength(1);
    });

    it('ships a different tracking number or send type of the same order', async () => {
      await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '2002' }) });
      const other = await stack.deliverStorefront({
        fulfillment: fulfillment({ out_ref: '2002', logistics_no: 'LA00000002CN' }),
      });
      expect(other.body.status).toBe('SUCCEEDED');
      expect(calls()).toHaveLength(2);
    });
  });

  describe('the ordering guard', () => {
    it('does not send an event older than the last delivered one for the ticket: 200 STALE', async () => {
      const newer = await stack.deliverWms({
        occurred_at: '2026-11-23T10:05:00Z',
        delivery_order: deliveryOrder({ ticket_id: 'T-ORDERED', status: 'PACK_FINISH' }),
      });
      const older = await stack.deliverWms({
        occurred_at: '2026-11-23T10:01:00+00:00',
        delivery_order: deliveryOrder({ ticket_id: 'T-ORDERED', status: 'PACKAGING' }),
      });
      expect(newer.body.status).toBe('SUCCEEDED');
      expect(older.status).toBe(200);
      expect(older.body.status).toBe('STALE');
      expect(calls()).toHaveLength(1);
    });

    it('guards by the platform order id as well as the ticket', async () => {
      await stack.deliverWms({
        occurred_at: '2026-11-23T12:00:00Z',
        delivery_order: deliveryOrder({ ticket_id: 'T-P', platform_order_id: 'P-77', status: 'PACK_FINISH' }),
      });
      const older = await stack.deliverWms({
        occurred_at: '2026-11-23T11:00:00Z',
        delivery_order: { platform_order_id: 'P-77', status: 'ISSUE_SUCCEEDED' },
      });
      expect(older.body.status).toBe('STALE');
      const newer = await stack.deliverWms({
        occurred_at: '2026-11-23T13:00:00Z',
        delivery_order: { platform_order_id: 'P-77', status: 'ISSUE_SUCCEEDED' },
      });
      expect(newer.body.status).toBe('SUCCEEDED');
    });
  });
});

describe('refusing a delivery', () => {
  beforeAll(async () => {
    stack = await webhookHarness(parts.dynamo, parts.sim);
  });
  const valid = { delivery_order: deliveryOrder({ ticket_id: 'T-REFUSED' }) };

  it.each([
    ['unsigned', { secret: null }],
    ['signed with another secret', { secret: `whsec_${Buffer.from('not-the-secret').toString('base64')}` }],
    ['signed 6 minutes ago', { timestamp: Math.floor(Date.now() / 1000) - 360 }],
    ['dated 6 minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 360 }],
  ])('answers 401 to a delivery %s, calls nothing and stores nothing', async (_, delivery) => {
    const before = (await stack.items()).length;
    const response = await stack.deliverWms(valid, delivery);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      type: 'urn:top-webhooks:problem:invalid-signature',
      title: 'Unauthorized',
      status: 401,
      detail: 'the webhook signature could not be verified',
    });
    expect(calls()).toHaveLength(0);
    expect(await stack.items()).toHaveLength(before);
  });

  it.each([
    ['ticket_id', { ticket_id: `T-${'9'.repeat(3_000)}` }],
    ['platform_order_id', { ticket_id: 'T-LONG-P', platform_order_id: `P-${'9'.repeat(3_000)}` }],
    ['ticket_id', { ticket_id: '单'.repeat(129) }],
  ])(
    'answers 400 naming delivery_order.%s when it is too long to key a record, and stores nothing',
    async (field, order) => {
      const before = (await stack.items()).length;
      const response = await stack.deliverWms({
        occurred_at: '2026-11-23T10:00:00Z',
        delivery_order: deliveryOrder(order),
      });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { path: `delivery_order.${field}`, message: 'must be at most 128 characters' },
      ]);
      expect(calls()).toHaveLength(0);
      expect(await stack.items()).toHaveLength(before);
    },
  );

  it('takes key fields of exactly 128 characters, four-byte ones included', async () => {
    const response = await stack.deliverWms({
      occurred_at: '2026-11-23T10:00:00Z',
      delivery_order: deliveryOrder({ ticket_id: '😀'.repeat(128), platform_order_id: 'P'.repeat(128) }),
    });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('SUCCEEDED');
  });

  it('answers 400 naming seller_id when it is longer than any seller id can be', async () => {
    const response = await stack.deliverStorefront({
      seller_id: 's'.repeat(129),
      fulfillment: fulfillment(),
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'seller_id', message: 'must be at most 128 characters' }]);
  });

  it('answers 400 to malformed JSON without quoting it', async () => {
    const response = await stack.deliverWms('{"delivery_order": {"ticket_id": "secret-ish"');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'urn:top-webhooks:problem:malformed-json', status: 400 });
    expect(response.raw).not.toContain('secret-ish');
    expect(calls()).toHaveLength(0);
  });

  it('answers 415 to a body that is not JSON', async () => {
    const response = await stack.deliverWms('ticket_id=T1', {
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(415);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const big = { delivery_order: deliveryOrder({ exception_desc: 'x'.repeat(1024 * 1024) }) };
    expect((await stack.deliverWms(big)).status).toBe(413);
  });

  it.each([
    ['wms', { delivery_order: deliveryOrder({ weight: '2300' }) }, 'delivery_order.weight'],
    ['wms', { delivery_order: deliveryOrder({ ticket_id: 42353535 }) }, 'delivery_order.ticket_id'],
    ['wms', { delivery_order: { status: 'PACK_FINISH' } }, 'delivery_order.ticket_id'],
    ['wms', { delivery_order: deliveryOrder({ status: 'PACK_FAIL' }) }, 'delivery_order.error_code'],
    ['wms', { delivery_order: deliveryOrder({ status: 'ABNORMAL_DELIVERY' }) }, 'delivery_order.error_code'],
    ['wms', { delivery_order: deliveryOrder({ status: 'SHIPPED' }) }, 'delivery_order.status'],
    [
      'wms',
      {
        delivery_order: deliveryOrder({
          service_fulfil_result: [{ service_code: 'S1', charge_type: 'volumeWeight' }],
        }),
      },
      'delivery_order.service_fulfil_result.0.length',
    ],
    [
      'wms',
      {
        delivery_order: deliveryOrder({
          service_fulfil_result: [{ service_code: 'S1', charge_type: 'packageNum' }],
        }),
      },
      'delivery_order.service_fulfil_result.0.package_count',
    ],
    ['wms', { delivery_order: deliveryOrder(), occurred_at: 'yesterday' }, 'occurred_at'],
    ['wms', { delivery_order: deliveryOrder(), extra: true }, 'extra'],
    ['wms', { occurred_at: '2026-11-23T10:00:00Z' }, 'delivery_order'],
    ['storefront', { fulfillment: fulfillment({ service_name: 'other' }) }, 'fulfillment.tracking_website'],
    ['storefront', { fulfillment: fulfillment({ send_type: 'some' }) }, 'fulfillment.send_type'],
    ['storefront', { fulfillment: fulfillment({ description: '备注' }) }, 'fulfillment.description'],
    ['storefront', { fulfillment: fulfillment({ logistics_no: ' ' }) }, 'fulfillment.logistics_no'],
    ['storefront', { seller_id: '', fulfillment: fulfillment() }, 'seller_id'],
  ])('answers 400 naming the field when a %s body breaks a rule (%j → %s)', async (source, body, path) => {
    const response = source === 'wms' ? await stack.deliverWms(body) : await stack.deliverStorefront(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'urn:top-webhooks:problem:invalid-payload', status: 400 });
    expect(response.body.errors).toContainEqual(expect.objectContaining({ path }));
    expect(calls()).toHaveLength(0);
  });

  it('answers 503 with Retry-After when DynamoDB is down before the claim, and calls nothing', async () => {
    const unreachable = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const offline = await webhookHarness(parts.dynamo, parts.sim, { overrides: { dynamodb: unreachable } });
    const response = await offline.deliverWms(valid);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toEqual({
      type: 'urn:top-webhooks:problem:dependency-unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: 'a dependency is unavailable; nothing was stored, retry later',
    });
    expect(calls()).toHaveLength(0);
  });

  it('answers 422 for a seller with no session, and stores nothing', async () => {
    const before = (await stack.items()).length;
    const response = await stack.deliverStorefront({ seller_id: 'shop-9', fulfillment: fulfillment() });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ type: 'urn:top-webhooks:problem:unknown-seller' });
    expect(await stack.items()).toHaveLength(before);
  });
});
