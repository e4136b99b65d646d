import { beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '#local/top-sim/faults.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';
import {
  deliveryOrder,
  fulfillment,
  type HttpResult,
  type WebhookHarness,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

let stack: WebhookHarness;

const parts = useTestParts();

const PROBLEM = 'urn:top-webhooks:problem:';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const executed = () => parts.sim.ledger.length;

// How the AliExpress Open Platform refuses a fulfilment as such (the flow goes over IOP).
const rejection = (sub_msg = 'the order cannot be shipped'): Fault => ({
  type: 'error',
  code: 'InvalidParameter',
  error_type: 'ISV',
  msg: 'Remote service error',
  sub_code: 'isv.invalid-parameter',
  sub_msg,
  count: 1,
});

/** The credentials must never leave the secret: not in the view, not in the stored record. */
async function expectNoCredentials(view: HttpResult): Promise<void> {
  for (const secret of [TEST_APP.session, TEST_APP.appSecret]) {
    expect(view.raw).not.toContain(secret);
    expect(JSON.stringify(await stack.items())).not.toContain(secret);
  }
  expect(view.body.request).not.toHaveProperty('session');
}

const operationIdOf = (response: HttpResult) => String(response.body.operation_id);

describe('the operator API', () => {
  beforeAll(async () => {
    stack = await webhookHarness(parts.dynamo, parts.sim);
  });

  describe('GET /operations/{id}', () => {
    it('shows a delivered fulfilment: status, attempts, timestamps, ids and the request, without credentials', async () => {
      const body = { seller_id: 'shop-1', fulfillment: fulfillment({ out_ref: '5001' }) };
      const delivered = await stack.deliverStorefront(body, { id: 'msg_op_view' });
      expect(delivered.status).toBe(200);

      const view = await stack.getOperation(operationIdOf(delivered));
      expect(view.status).toBe(200);
      expect(view.headers['content-type']).toBe('application/json');
      expect(view.body).toMatchObject({
        operation_id: delivered.body.operation_id,
        flow: 'storefront-fulfill',
        status: 'SUCCEEDED',
        attempts: 1,
        webhook_id: 'msg_op_view',
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
        top_request_id: delivered.body.top_request_id,
        top_result: { result: { result_success: true } },
        request: {
          method: 'aliexpress.solution.order.fulfill',
          seller_id: 'shop-1',
          params: fulfillment({ out_ref: '5001' }),
        },
      });
      expect(view.body).not.toHaveProperty('last_error');
      expect(view.body).not.toHaveProperty('lease_expires_at');
      expect(view.body).not.toHaveProperty('payload_hash');
      await expectNoCredentials(view);
    });

    it('shows a pending operation with its next attempt and the transient error', async () => {
      parts.sim.faults.set([{ type: 'isp', sub_code: 'isp.top-remote-connection-timeout', count: 1 }]);
      const pending = await stack.deliverWms({
        delivery_order: deliveryOrder({ ticket_id: 'T-OP-PENDING' }),
      });
      expect(pending.status).toBe(202);

      const view = await stack.getOperation(operationIdOf(pending));
      expect(view.body).toMatchObject({
        flow: 'wms-delivery',
        status: 'PENDING_RETRY',
        attempts: 1,
        next_attempt_at: pending.body.next_attempt_at,
        last_error: { kind: 'transient', code: 15, sub_code: 'isp.top-remote-connection-timeout' },
        request: {
          method: 'tmall.ovs.delivery.order.info.send',
          params: deliveryOrder({ ticket_id: 'T-OP-PENDING' }),
        },
      });
      expect(Date.parse(String(view.body.next_attempt_at))).toBeGreaterThan(
        Date.parse(String(view.body.updated_at)),
      );
      await expectNoCredentials(view);
    });

    it('shows a rejected fulfilment with TOP’s code, sub_code, sub_msg and request id', async () => {
      parts.sim.faults.set([rejection('logistics_no is not valid')]);
      const rejected = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '5002' }) });
      expect(rejected.status).toBe(422);

      const view = await stack.getOperation(operationIdOf(rejected));
      expect(view.body).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        last_error: {
          kind: 'permanent',
          code: 'InvalidParameter',
          sub_code: 'isv.invalid-parameter',
          sub_msg: 'logistics_no is not valid',
          top_request_id: expect.any(String),
        },
      });
      await expectNoCredentials(view);
    });

    it('answers 404 with a problem naming the id for an operation it does not know', async () => {
      const view = await stack.getOperation('op_does_not_exist');
      expect(view.status).toBe(404);
      expect(view.headers['content-type']).toBe('application/problem+json');
      expect(view.body).toMatchObject({
        type: `${PROBLEM}operation-not-found`,
        status: 404,
        operation_id: 'op_does_not_exist',
      });
    });
  });

  describe('ids that cannot exist', () => {
    const long = `op_${'x'.repeat(2_048)}`;

    it('answers 404, not 503, to GET of a 2 KB operation id', async () => {
      const view = await stack.getOperation(long);
      expect(view.status).toBe(404);
      expect(view.body).toMatchObject({ type: `${PROBLEM}operation-not-found`, status: 404 });
    });

    it('answers 404, not 503, to a replay of a 2 KB operation id, and calls nothing', async () => {
      const replayed = await stack.replay(long);
      expect(replayed.status).toBe(404);
      expect(replayed.body).toMatchObject({ type: `${PROBLEM}operation-not-found`, status: 404 });
      expect(executed()).toBe(0);
    });
  });

  describe('POST /operations/{id}/replay', () => {
    it('answers 404 with a problem naming the id for an operation it does not know', async () => {
      const replayed = await stack.replay('op_does_not_exist');
      expect(replayed.status).toBe(404);
      expect(replayed.body).toMatchObject({
        type: `${PROBLEM}operation-not-found`,
        operation_id: 'op_does_not_exist',
      });
      expect(executed()).toBe(0);
    });

    it.each<[string, Fault[]]>([
      ['SUCCEEDED', []],
      ['PENDING_RETRY', [{ type: 'isp', count: 1 }]],
    ])(
      'refuses to replay a %s operation with a 409 operation-not-replayable problem and calls nothing',
      async (status, faults) => {
        parts.sim.faults.set(faults);
        const accepted = await stack.deliverWms({
          delivery_order: deliveryOrder({ ticket_id: `T-OP-${status}` }),
        });
        const operationId = operationIdOf(accepted);
        const executedBefore = executed();

        const replayed = await stack.replay(operationId);
        expect(replayed.status).toBe(409);
        expect(replayed.headers['content-type']).toBe('application/problem+json');
        expect(replayed.body).toMatchObject({
          type: `${PROBLEM}operation-not-replayable`,
          status: 409,
          operation_id: operationId,
          operation_status: status,
        });
        expect(executed()).toBe(executedBefore);
        expect((await stack.getOperation(operationId)).body).toMatchObject({ status, attempts: 1 });
      },
    );

    it('delivers a FAILED operation once its cause is gone: 200 SUCCEEDED and exactly one more executed call', async () => {
      parts.sim.faults.set([rejection()]);
      const rejected = await stack.deliverWms({
        delivery_order: deliveryOrder({ ticket_id: 'T-OP-FAILED' }),
      });
      expect(rejected.status).toBe(422);
      const operationId = operationIdOf(rejected);
      expect(executed()).toBe(0);

      const replayed = await stack.replay(operationId);
      expect(replayed.status).toBe(200);
      expect(replayed.body).toMatchObject({ operation_id: operationId, status: 'SUCCEEDED', attempts: 1 });
      expect(executed()).toBe(1);
      expect(parts.sim.ledger[0]?.params).toEqual(deliveryOrder({ ticket_id: 'T-OP-FAILED' }));

      // Delivered now: neither a second replay nor the sender's redelivery sends it again.
      expect((await stack.replay(operationId)).status).toBe(409);
      expect((await stack.getOperation(operationId)).body).toMatchObject({ status: 'SUCCEEDED' });
      expect(executed()).toBe(1);
    });

    it('re-takes the dedupe marker of a replayed FAILED fulfilment, so a later copy is a DUPLICATE of it', async () => {
      const body = { seller_id: 'shop-1', fulfillment: fulfillment({ out_ref: '5003' }) };
      parts.sim.faults.set([rejection()]);
      const rejected = await stack.deliverStorefront(body);
      expect(rejected.status).toBe(422);
      const operationId = operationIdOf(rejected);

      const replayed = await stack.replay(operationId);
      expect(replayed.body).toMatchObject({ status: 'SUCCEEDED' });
      const copy = await stack.deliverStorefront(body);
      expect(copy.status).toBe(200);
      expect(copy.body).toMatchObject({ status: 'DUPLICATE', duplicate_of: operationId });
      expect(executed()).toBe(1);
    });

    it('does not ship a replayed FAILED fulfilment that another delivery shipped meanwhile (DUPLICATE)', async () => {
      const body = { seller_id: 'shop-1', fulfillment: fulfillment({ out_ref: '5004' }) };
      parts.sim.faults.set([rejection()]);
      const rejected = await stack.deliverStorefront(body);
      expect(rejected.status).toBe(422);
      const shipped = await stack.deliverStorefront(body);
      expect(shipped.body).toMatchObject({ status: 'SUCCEEDED' });

      const replayed = await stack.replay(operationIdOf(rejected));
      expect(replayed.status).toBe(200);
      expect(replayed.body).toMatchObject({ status: 'DUPLICATE', duplicate_of: shipped.body.operation_id });
      expect(executed()).toBe(1);
    });
  });
});

describe('replaying a DEAD operation', () => {
  beforeAll(async () => {
    stack = await webhookHarness(parts.dynamo, parts.sim, { env: { RETRY_MAX_ATTEMPTS: '2' } });
  });

  /** Sweeps, moving the clock past each next attempt, until the operation is no longer pending. */
  async function sweepUntilSettled(operationId: string): Promise<HttpResult> {
    for (let run = 0; run < 5; run++) {
      const view = await stack.getOperation(operationId);
      if (view.body.status !== 'PENDING_RETRY') return view;
      stack.clock.now = Math.max(stack.clock.now, Date.parse(String(view.body.next_attempt_at))) + 1;
      await stack.sweep();
    }
    return stack.getOperation(operationId);
  }

  it('delivers it exactly once after the fault is cleared, and the sweeper leaves it alone', async () => {
    parts.sim.faults.set([{ type: 'isp', sub_code: 'isp.top-remote-connection-timeout' }]);
    const accepted = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-OP-DEAD' }) });
    expect(accepted.status).toBe(202);
    const operationId = operationIdOf(accepted);

    const dead = await sweepUntilSettled(operationId);
    expect(dead.body).toMatchObject({ status: 'DEAD', attempts: 2, last_error: { kind: 'transient' } });
    expect(dead.body).not.toHaveProperty('next_attempt_at');
    await expectNoCredentials(dead);
    expect(executed()).toBe(0);

    parts.sim.faults.set([]);
    const replayed = await stack.replay(operationId);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ operation_id: operationId, status: 'SUCCEEDED', attempts: 1 });
    expect(executed()).toBe(1);

    stack.clock.now += 86_400_000;
    expect((await stack.sweep()).attempted).toBe(0);
    expect((await stack.replay(operationId)).status).toBe(409);
    expect(executed()).toBe(1);
  });

  it('gives it a fresh retry budget when the fault persists: 202 PENDING_RETRY, and the sweeper finishes it', async () => {
    parts.sim.faults.set([{ type: 'isp' }]);
    const accepted = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '5005' }) });
    const operationId = operationIdOf(accepted);
    expect((await sweepUntilSettled(operationId)).body.status).toBe('DEAD');

    const replayed = await stack.replay(operationId);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ status: 'PENDING_RETRY', attempts: 1 });

    parts.sim.faults.set([]);
    expect((await sweepUntilSettled(operationId)).body).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(executed()).toBe(1);
  });
});
