import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { operationIdFor, payloadHash } from '#lib/operations/identity.ts';
import type { Fault } from '#local/top-sim/faults.ts';
import { claimedOperation } from '#test/helpers/operations.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import {
  deliveryOrder,
  fulfillment,
  type WebhookHarness,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

let stack: WebhookHarness;

const parts = useTestParts();

const executed = () => parts.sim.ledger.length;

/** Moves the harness clock past the operation's next attempt. */
async function untilDue(operationId: string) {
  const view = await stack.getOperation(operationId);
  const next = Date.parse(String(view.body.next_attempt_at));
  stack.clock.now = Math.max(stack.clock.now, next) + 1;
}

describe('retrying what TOP could not take', () => {
  beforeAll(async () => {
    stack = await webhookHarness(parts.dynamo, parts.sim, {
      env: { RETRY_MAX_ATTEMPTS: '3', TOP_DEADLINE_MS: '500' },
    });
  });

  it.each<[string, Fault]>([
    ['an isp.* platform fault', { type: 'isp', sub_code: 'isp.top-remote-connection-timeout', count: 1 }],
    ['an HTTP 502 from the gateway', { type: 'http', status: 502, count: 1 }],
    ['a connection reset', { type: 'reset', count: 1 }],
    [
      'code 10, service unavailable',
      { type: 'error', code: 10, msg: 'Service currently unavailable', count: 1 },
    ],
    ['a timeout', { type: 'latency', ms: 1_500, count: 1 }],
  ])('answers 202 after %s, and the sweeper then delivers exactly once', async (_, fault) => {
    parts.sim.faults.set([fault]);
    const accepted = await stack.deliverWms({
      delivery_order: deliveryOrder({ ticket_id: `T-${fault.type}` }),
    });
    expect(accepted.status).toBe(202);
    const operationId = String(accepted.body.operation_id);
    expect(accepted.headers.location).toBe(`/operations/${operationId}`);
    expect(accepted.body).toMatchObject({ status: 'PENDING_RETRY', attempts: 1 });
    expect(executed()).toBe(0);

    expect((await stack.sweep()).attempted).toBe(0);
    await untilDue(operationId);
    expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
    expect(executed()).toBe(1);
    expect((await stack.getOperation(operationId)).body).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });

    expect((await stack.sweep()).attempted).toBe(0);
    expect(executed()).toBe(1);
  });

  it('answers 422 with TOP codes to a permanent isv.* refusal and records it FAILED', async () => {
    parts.sim.faults.set([
      {
        type: 'error',
        code: 15,
        msg: 'Remote service error',
        sub_code: 'isv.invalid-parameter',
        sub_msg: 'bad ticket',
        count: 1,
      },
    ]);
    const rejected = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-ISV' }) });
    expect(rejected.status).toBe(422);
    expect(rejected.headers['content-type']).toBe('application/problem+json');
    expect(rejected.body).toMatchObject({
      type: 'urn:top-webhooks:problem:top-rejected',
      status: 422,
      top: { code: 15, sub_code: 'isv.invalid-parameter', sub_msg: 'bad ticket' },
    });
    const operationId = String(rejected.body.operation_id);
    expect((await stack.getOperation(operationId)).body.status).toBe('FAILED');
    stack.clock.now += 3_600_000;
    expect((await stack.sweep()).attempted).toBe(0);
  });

  it('gives up after the retry budget: DEAD, and a replay then delivers', async () => {
    parts.sim.faults.set([{ type: 'isp' }]);
    const accepted = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: '3001' }) });
    const operationId = String(accepted.body.operation_id);
    for (let run = 0; run < 2; run++) {
      await untilDue(operationId);
      await stack.sweep();
    }
    const dead = await stack.getOperation(operationId);
    expect(dead.body).toMatchObject({ status: 'DEAD', attempts: 3, last_error: { kind: 'transient' } });
    stack.clock.now += 86_400_000;
    expect((await stack.sweep()).attempted).toBe(0);

    parts.sim.faults.set([]);
    const replayed = await stack.replay(operationId);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(executed()).toBe(1);
  });

  it('waits out a rate-limit ban shared by every invocation, without calling TOP meanwhile', async () => {
    parts.sim.faults.set([
      {
        type: 'error',
        code: 7,
        msg: 'App Call Limited',
        sub_msg: 'This ban will last for 30 more seconds',
        count: 1,
      },
    ]);
    const limited = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-BAN-1' }) });
    expect(limited.status).toBe(202);
    expect(limited.body.last_error).toMatchObject({ kind: 'rate_limited', code: 7 });
    const requestsBefore = parts.sim.stats().requests;

    // Another delivery during the ban is kept for later instead of being sent.
    const held = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-BAN-2' }) });
    expect(held.status).toBe(202);
    expect(held.body.attempts).toBe(0);
    expect(Date.parse(String(held.body.next_attempt_at))).toBeGreaterThanOrEqual(stack.clock.now + 30_000);
    stack.clock.now += 20_000;
    expect(await stack.sweep()).toMatchObject({ banned: true, attempted: 0 });
    expect(parts.sim.stats().requests).toBe(requestsBefore);

    stack.clock.now += 40_000;
    expect(await stack.sweep()).toMatchObject({ banned: false, attempted: 2, outcomes: { SUCCEEDED: 2 } });
    expect(executed()).toBe(2);
  });

  it('finishes an operation whose invocation died holding it, once its lease lapses', async () => {
    const crashed = claimedOperation(stack.clock.now, {
      flow: 'wms-delivery',
      request: {
        method: 'tmall.ovs.delivery.order.info.send',
        params: deliveryOrder({ ticket_id: 'T-CRASH' }),
      },
      lease_expires_at: stack.clock.now + 10_000,
    });
    await stack.runtime.operations.create(crashed);
    expect((await stack.sweep()).attempted).toBe(0);
    stack.clock.now += 10_001;
    expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
    expect(executed()).toBe(1);
  });

  it('marks DEAD an operation whose attempt fails in this system for good, records why, and sweeps the others', async () => {
    // Accepted by an earlier version that did not bound ids: its ordering-guard key is past
    // DynamoDB's 2048-byte key limit, so every attempt's read of the guard is refused.
    const wedged = claimedOperation(stack.clock.now, {
      flow: 'wms-delivery',
      request: {
        method: 'tmall.ovs.delivery.order.info.send',
        params: deliveryOrder({ ticket_id: 'T-WEDGED' }),
      },
      guards: { order_keys: [`wms#ticket#${'9'.repeat(3_000)}`], occurred_at: stack.clock.now },
      lease_expires_at: stack.clock.now - 2,
    });
    const healthy = claimedOperation(stack.clock.now, {
      flow: 'wms-delivery',
      request: {
        method: 'tmall.ovs.delivery.order.info.send',
        params: deliveryOrder({ ticket_id: 'T-HEALTHY' }),
      },
      lease_expires_at: stack.clock.now - 1,
    });
    await stack.runtime.operations.create(wedged);
    await stack.runtime.operations.create(healthy);

    const report = await stack.sweep();
    expect(report).toMatchObject({ attempted: 2, outcomes: { DEAD: 1, SUCCEEDED: 1 } });
    const dead = await stack.runtime.operations.get(wedged.operation_id);
    expect(dead).toMatchObject({ status: 'DEAD', attempts: 0 });
    expect(dead?.last_error).toMatchObject({ kind: 'internal' });
    expect(dead?.last_error?.message).toMatch(/ValidationException/);
    expect(executed()).toBe(1);
    // Nothing of it is due any more: the next sweep has nothing to do.
    stack.clock.now += 3_600_000;
    expect((await stack.sweep()).attempted).toBe(0);
  });

  it('leaves an operation due when DynamoDB fails its attempt in passing, and sweeps the others', async () => {
    // The harness's own client, whose requests about one ticket fail as a dropped connection would.
    const client = new DynamoDBClient({
      endpoint: parts.dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    let flaky = false;
    client.middlewareStack.add(
      (next) => async (args) => {
        if (flaky && JSON.stringify(args.input).includes('T-FLAKY-ORDER')) {
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const own = await webhookHarness(parts.dynamo, parts.sim, { overrides: { dynamodb: client } });
    for (const ticket of ['T-FLAKY-ORDER', 'T-STEADY-ORDER']) {
      await own.runtime.operations.create(
        claimedOperation(own.clock.now, {
          flow: 'wms-delivery',
          request: {
            method: 'tmall.ovs.delivery.order.info.send',
            params: deliveryOrder({ ticket_id: ticket }),
          },
          guards: { order_keys: [`wms#ticket#${ticket}`] },
          lease_expires_at: own.clock.now - 1,
        }),
      );
    }
    flaky = true;
    expect(await own.sweep()).toMatchObject({ attempted: 2, failed: 1, outcomes: { SUCCEEDED: 1 } });
    expect(executed()).toBe(1);
    flaky = false;
    own.clock.now += 3_600_000;
    expect(await own.sweep()).toMatchObject({ attempted: 1, failed: 0, outcomes: { SUCCEEDED: 1 } });
    expect(executed()).toBe(2);
    client.destroy();
  });

  it('answers a redelivery of a pending operation with where it stands, sending nothing', async () => {
    const body = { delivery_order: deliveryOrder({ ticket_id: 'T-PENDING' }) };
    parts.sim.faults.set([{ type: 'isp', count: 1 }]);
    const first = await stack.deliverWms(body, { id: 'msg_pending' });
    expect(first.status).toBe(202);
    await untilDue(String(first.body.operation_id));
    // PENDING_RETRY belongs to the sweeper, even when due.
    const second = await stack.deliverWms(body, { id: 'msg_pending' });
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ operation_id: first.body.operation_id, status: 'PENDING_RETRY' });
    expect(executed()).toBe(0);
  });

  it('lets a redelivery take over an operation whose invocation died, once its lease lapses', async () => {
    const body = { delivery_order: deliveryOrder({ ticket_id: 'T-TAKEOVER' }) };
    const crashed = claimedOperation(stack.clock.now, {
      operation_id: operationIdFor('wms-delivery', 'msg_takeover'),
      flow: 'wms-delivery',
      payload_hash: payloadHash(body),
      request: { method: 'tmall.ovs.delivery.order.info.send', params: body.delivery_order },
      lease_expires_at: stack.clock.now + 10_000,
    });
    await stack.runtime.operations.create(crashed);
    const whileHeld = await stack.deliverWms(body, { id: 'msg_takeover' });
    expect(whileHeld.status).toBe(409);
    expect(Number(whileHeld.headers['retry-after'])).toBeGreaterThanOrEqual(9);
    stack.clock.now += 10_001;
    const taken = await stack.deliverWms(body, { id: 'msg_takeover' });
    expect(taken.status).toBe(200);
    expect(taken.body.operation_id).toBe(crashed.operation_id);
    expect(executed()).toBe(1);
  });

  it('answers 202 when its attempt is cut off after the claim: the operation is kept and finished', async () => {
    parts.sim.faults.set([{ type: 'latency', ms: 2_000, count: 1 }]);
    const body = { delivery_order: deliveryOrder({ ticket_id: 'T-CUT' }) };
    const requests = parts.sim.stats().requests;
    const delivery = stack.deliverWms(body, { id: 'msg_cut' });
    // While TOP is slow, the invocation's lease lapses and the sweeper takes the operation over.
    while (parts.sim.stats().requests === requests) await new Promise((resolve) => setTimeout(resolve, 5));
    stack.clock.now += 3_600_000;
    const sweep = stack.sweep();
    const response = await delivery;
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'IN_PROGRESS' });
    expect((await sweep).attempted).toBeGreaterThanOrEqual(1);
    expect((await stack.getOperation(String(response.body.operation_id))).body.status).toBe('SUCCEEDED');
  });
});
