import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '#local/top-sim/faults.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';
import { type TrackingHarness, trackingHarness } from '#test/helpers/tracking-harness.ts';
import {
  captureStdout,
  deliveryOrder,
  fulfillment,
  loudTelemetry,
  type WebhookHarness,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

const parts = useTestParts();
const calls = () => parts.sim.ledger.map(({ method, protocol }) => ({ method, protocol }));

/** Moves the harness clock past the operation's next attempt. */
async function untilDue(stack: WebhookHarness, operationId: string) {
  const next = Date.parse(String((await stack.getOperation(operationId)).body.next_attempt_at));
  stack.clock.now = Math.max(stack.clock.now, next) + 1;
}

describe('each API on the platform that serves it', () => {
  let stack: WebhookHarness;
  beforeAll(async () => {
    stack = await webhookHarness(parts.dynamo, parts.sim, { env: { TOP_DEADLINE_MS: '500' } });
  });

  it('ships a storefront fulfilment over IOP /sync, signed with sha256 and an epoch-ms timestamp', async () => {
    const shipped = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '9101' }) });

    expect(shipped.status).toBe(200);
    // The simulator checks IOP's signature and timestamp before it records a call.
    expect(calls()).toEqual([{ method: 'aliexpress.solution.order.fulfill', protocol: 'iop' }]);
  });

  it('sends a WMS delivery over TOP /router/rest', async () => {
    const sent = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-9102' }) });

    expect(sent.status).toBe(200);
    expect(calls()).toEqual([{ method: 'tmall.ovs.delivery.order.info.send', protocol: 'top' }]);
  });

  it('fulfils over the TOP gateway with AE_PROTOCOL=top, AE_GATEWAY_URL unset', async () => {
    const onTop = await webhookHarness(parts.dynamo, parts.sim, {
      env: { AE_PROTOCOL: 'top', AE_GATEWAY_URL: '' },
    });
    const shipped = await onTop.deliverStorefront({ fulfillment: fulfillment({ out_ref: '9103' }) });

    expect(shipped.status).toBe(200);
    expect(calls()).toEqual([{ method: 'aliexpress.solution.order.fulfill', protocol: 'top' }]);
  });

  describe('what holds on TOP holds on IOP', () => {
    it.each<[string, Fault]>([
      ['an ISP platform fault', { type: 'isp', sub_code: 'isp.remote-service-error', count: 1 }],
      ['an HTTP 502', { type: 'http', status: 502, count: 1 }],
      ['a connection reset', { type: 'reset', count: 1 }],
      ['a timeout', { type: 'latency', ms: 1_500, count: 1 }],
    ])('answers 202 after %s on /sync, and the sweeper then ships exactly once', async (_, fault) => {
      parts.sim.faults.set([{ ...fault, protocols: ['iop'] }]);
      const outRef = `92${fault.type.length}${Math.floor(Math.random() * 1e6)}`;
      const accepted = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: outRef }) });
      expect(accepted.status).toBe(202);
      const operationId = String(accepted.body.operation_id);

      await untilDue(stack, operationId);
      expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
      expect(parts.sim.ledger.filter((entry) => entry.params.out_ref === outRef)).toHaveLength(1);
      expect((await stack.sweep()).attempted).toBe(0);
    });

    it('answers 422 and records FAILED when IOP refuses the fulfilment as such', async () => {
      parts.sim.faults.set([
        {
          type: 'error',
          code: 'InvalidParameter',
          error_type: 'ISV',
          msg: 'logistics_no is invalid',
          count: 1,
        },
      ]);
      const refused = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '9301' }) });

      expect(refused.status).toBe(422);
      expect((await stack.getOperation(String(refused.body.operation_id))).body).toMatchObject({
        status: 'FAILED',
        last_error: { kind: 'permanent', code: 'InvalidParameter' },
      });
    });

    it('turns an ApiCallLimit into the ban every invocation shares, calling IOP no more meanwhile', async () => {
      parts.sim.faults.set([
        {
          type: 'error',
          code: 'ApiCallLimit',
          error_type: 'ISV',
          msg: 'This ban will last for 30 more seconds',
          count: 1,
        },
      ]);
      const limited = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '9401' }) });
      expect(limited.status).toBe(202);
      expect(limited.body.last_error).toMatchObject({ kind: 'rate_limited', code: 'ApiCallLimit' });

      const requestsBefore = parts.sim.stats().requests;
      const held = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-9402' }) });
      expect(held.status).toBe(202);
      expect(parts.sim.stats().requests).toBe(requestsBefore);

      stack.clock.now += 31_000;
      expect(await stack.sweep()).toMatchObject({ attempted: 2, outcomes: { SUCCEEDED: 2 } });
    });

    it('refetches the credentials once after an IllegalAccessToken, and keeps every token and secret out of the logs', async () => {
      const loud = await webhookHarness(parts.dynamo, parts.sim, {
        overrides: loudTelemetry('platforms-test'),
      });
      const logs = captureStdout();
      try {
        parts.sim.faults.set([
          {
            type: 'error',
            code: 'IllegalAccessToken',
            msg: 'The specified access token is invalid',
            count: 1,
          },
        ]);
        const pending = await loud.deliverStorefront({ fulfillment: fulfillment({ out_ref: '9501' }) });
        // The secret did not change, so there is nothing to retry with: 202, auth.
        expect(pending.status).toBe(202);
        expect(pending.body.last_error).toMatchObject({ kind: 'auth', code: 'IllegalAccessToken' });
      } finally {
        logs.restore();
      }
      const text = logs.lines().join('\n');
      expect(text).toContain('IllegalAccessToken');
      expect(text).not.toContain(TEST_APP.session);
      expect(text).not.toContain(TEST_APP.appSecret);
    });
  });
});

describe('the order-detail refresh', () => {
  let tracking: TrackingHarness;
  beforeAll(async () => {
    tracking = await trackingHarness(parts);
  });
  afterAll(async () => {
    await tracking.close();
  });

  it('queries logistics orders over IOP /sync', async () => {
    expect((await tracking.track({ logistics_order_id: 'BP9601', seller_id: 'shop-1' })).status).toBe(201);
    await tracking.round();

    expect(calls()).toEqual([{ method: 'aliexpress.local.logistics.order.info.query', protocol: 'iop' }]);
  });
});
