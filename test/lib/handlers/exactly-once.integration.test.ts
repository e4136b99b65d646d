import { describe, expect, it } from 'vitest';
import { localDynamoClient } from '#local/dynamo.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { deliveryOrder, fulfillment, webhookHarness } from '#test/helpers/webhook-harness.ts';

const parts = useTestParts();

const FULFIL = 'aliexpress.solution.order.fulfill';
const SEND = 'tmall.ovs.delivery.order.info.send';
const calls = (method?: string) => parts.sim.ledger.filter((entry) => !method || entry.method === method);
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('an outcome DynamoDB refuses to record', () => {
  it('is SUCCEEDED without the result when TOP took the call, not DEAD (a replay would send it again)', async () => {
    // The harness's own client, which refuses the one write of a delivered result, as DynamoDB
    // refuses an item past 400 KB.
    const client = localDynamoClient(parts.dynamo.endpoint);
    client.middlewareStack.add(
      (next) => async (args) => {
        const item = (args.input as { Item?: Record<string, { S?: string; M?: unknown }> }).Item;
        if (item?.status?.S === 'SUCCEEDED' && item.result?.M) {
          throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
            name: 'ValidationException',
            $fault: 'client',
          });
        }
        return next(args);
      },
      { step: 'build' },
    );
    const stack = await webhookHarness(parts.dynamo, parts.sim, { overrides: { dynamodb: client } });
    const delivered = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-NO-ROOM' }) });
    expect(delivered.status).toBe(200);
    const view = (await stack.getOperation(String(delivered.body.operation_id))).body;
    expect(view).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      top_request_id: expect.any(String),
      last_error: { kind: 'internal' },
    });
    expect(view).not.toHaveProperty('top_result');
    expect(calls(SEND)).toHaveLength(1);
    client.destroy();
  });
});

describe('a fulfilment that went DEAD', () => {
  it('does not block the same fulfilment redelivered under a new delivery id: it is sent', async () => {
    const stack = await webhookHarness(parts.dynamo, parts.sim, { env: { RETRY_MAX_ATTEMPTS: '1' } });
    const body = { seller_id: 'shop-1', fulfillment: fulfillment({ out_ref: 'DEAD-1' }) };
    parts.sim.faults.set([{ type: 'isp', count: 1 }]);
    const dead = await stack.deliverStorefront(body);
    expect(dead.body).toMatchObject({ status: 'DEAD' });
    expect(calls()).toHaveLength(0);

    const again = await stack.deliverStorefront(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'SUCCEEDED' });
    expect(calls(FULFIL)).toHaveLength(1);
    // The marker now stands for the delivered one: a third copy is its duplicate.
    const third = await stack.deliverStorefront(body);
    expect(third.body).toMatchObject({ status: 'DUPLICATE', duplicate_of: again.body.operation_id });
    expect(calls(FULFIL)).toHaveLength(1);
  });

  it('lets a replay of the DEAD one ship it when nothing else did', async () => {
    const stack = await webhookHarness(parts.dynamo, parts.sim, { env: { RETRY_MAX_ATTEMPTS: '1' } });
    parts.sim.faults.set([{ type: 'isp', count: 1 }]);
    const dead = await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: 'DEAD-2' }) });
    expect(dead.body.status).toBe('DEAD');
    const replayed = await stack.replay(String(dead.body.operation_id));
    expect(replayed.body).toMatchObject({ status: 'SUCCEEDED' });
    expect(calls(FULFIL)).toHaveLength(1);
  });
});

describe('events of one delivery order', () => {
  /** A WMS event of ticket `ticket` with `status`, which occurred at `time` on 2026-11-23. */
  const event = (ticket: string, time: string, status: string) => ({
    occurred_at: `2026-11-23T${time}:00Z`,
    delivery_order: deliveryOrder({ ticket_id: ticket, status }),
  });

  it('are sent one at a time: a newer event arriving while an older one is slow at TOP waits, and TOP ends on the newer', async () => {
    const stack = await webhookHarness(parts.dynamo, parts.sim);
    parts.sim.faults.set([{ type: 'latency', ms: 400, count: 1 }]);
    const older = stack.deliverWms(event('T-RACE-ORDER', '10:00', 'PACKAGING'));
    await until(() => parts.sim.stats().calls > 0);
    const newer = await stack.deliverWms(event('T-RACE-ORDER', '10:05', 'PACK_FINISH'));
    expect(newer.status).toBe(202);
    expect(newer.body).toMatchObject({ status: 'PENDING_RETRY', attempts: 0 });
    expect((await older).body.status).toBe('SUCCEEDED');

    stack.clock.now = Date.parse(String(newer.body.next_attempt_at)) + 1;
    expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
    expect(calls(SEND).map((call) => (call.params as { status: string }).status)).toEqual([
      'PACKAGING',
      'PACK_FINISH',
    ]);
    expect(parts.sim.state.deliveryOrders.get('T-RACE-ORDER')?.status).toBe('PACK_FINISH');
  });

  it('stay one at a time when the slow event is redelivered meanwhile: the redelivery leaves its hold alone', async () => {
    const stack = await webhookHarness(parts.dynamo, parts.sim);
    parts.sim.faults.set([{ type: 'latency', ms: 400, count: 1 }]);
    const body = event('T-RACE-REDELIVERED', '10:00', 'PACKAGING');
    const older = stack.deliverWms(body, { id: 'msg_race_redelivered' });
    await until(() => parts.sim.stats().calls > 0);
    const redelivered = await stack.deliverWms(body, { id: 'msg_race_redelivered' });
    expect(redelivered.status).toBe(409);

    const newer = await stack.deliverWms(event('T-RACE-REDELIVERED', '10:05', 'PACK_FINISH'));
    expect(newer.status).toBe(202);
    expect(newer.body).toMatchObject({ status: 'PENDING_RETRY', attempts: 0 });
    expect((await older).body.status).toBe('SUCCEEDED');
    expect(calls(SEND)).toHaveLength(1);
  });

  it('count an event whose history could not move on once its hold lapses: an older event is then STALE', async () => {
    // The harness's own client, which refuses the delivery order's history while `refusing`.
    let refusing = true;
    const client = localDynamoClient(parts.dynamo.endpoint);
    client.middlewareStack.add(
      (next) => async (args) => {
        const update = (args.input as { UpdateExpression?: string }).UpdateExpression;
        if (refusing && update?.includes('last_occurred_at')) {
          throw Object.assign(new Error('Service unavailable'), {
            name: 'ServiceUnavailable',
            $fault: 'server',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'refuseHistory' },
    );
    const stack = await webhookHarness(parts.dynamo, parts.sim, { overrides: { dynamodb: client } });
    const newer = await stack.deliverWms(event('T-LAPSED-HISTORY', '12:05', 'PACK_FINISH'));
    expect(newer.body.status).toBe('SUCCEEDED');
    refusing = false;

    const older = event('T-LAPSED-HISTORY', '12:00', 'PACKAGING');
    // The newer event's hold is left to lapse: until then the older one waits.
    expect((await stack.deliverWms(older)).body.status).toBe('PENDING_RETRY');
    stack.clock.now += 10 * 60_000;
    expect((await stack.deliverWms(older)).body.status).toBe('STALE');
    expect(calls(SEND)).toHaveLength(1);
    client.destroy();
  });

  it('judge an older event that waited behind a newer one STALE once the newer is delivered', async () => {
    const stack = await webhookHarness(parts.dynamo, parts.sim);
    parts.sim.faults.set([{ type: 'latency', ms: 400, count: 1 }]);
    const newer = stack.deliverWms({
      occurred_at: '2026-11-23T11:05:00Z',
      delivery_order: deliveryOrder({ ticket_id: 'T-RACE-STALE', status: 'PACK_FINISH' }),
    });
    await until(() => parts.sim.stats().calls > 0);
    const older = await stack.deliverWms({
      occurred_at: '2026-11-23T11:00:00Z',
      delivery_order: deliveryOrder({ ticket_id: 'T-RACE-STALE', status: 'PACKAGING' }),
    });
    expect(older.status).toBe(202);
    expect((await newer).body.status).toBe('SUCCEEDED');
    stack.clock.now = Date.parse(String(older.body.next_attempt_at)) + 1;
    expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { STALE: 1 } });
    expect(calls(SEND)).toHaveLength(1);
    expect(parts.sim.state.deliveryOrders.get('T-RACE-STALE')?.status).toBe('PACK_FINISH');
  });

  it('answer the same status at the same occurred_at under a new delivery id DUPLICATE, with no second call', async () => {
    const stack = await webhookHarness(parts.dynamo, parts.sim);
    const body = {
      occurred_at: '2026-11-23T12:00:00Z',
      delivery_order: deliveryOrder({ ticket_id: 'T-SAME', status: 'PACK_FINISH' }),
    };
    const first = await stack.deliverWms(body);
    const again = await stack.deliverWms(body);
    expect(first.body.status).toBe('SUCCEEDED');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'DUPLICATE', duplicate_of: first.body.operation_id });
    expect(calls(SEND)).toHaveLength(1);
    // Another status at the same instant is news, not a copy.
    const other = await stack.deliverWms({
      ...body,
      delivery_order: { ...body.delivery_order, status: 'PACK_FAIL', error_code: 'OTHER' },
    });
    expect(other.body.status).toBe('SUCCEEDED');
  });
});

describe('a TOP slower than the webhook’s deadline', () => {
  // The webhook gives TOP 300 ms; TOP takes 450 ms (as 5.5 s against 5 s), and carries out every call.
  const slow = async () => {
    const stack = await webhookHarness(parts.dynamo, parts.sim, { env: { TOP_DEADLINE_MS: '300' } });
    parts.sim.faults.set([{ type: 'latency', ms: 450 }]);
    return stack;
  };

  it('is called once more, by the sweeper with its own longer deadline, and the event SUCCEEDS', async () => {
    const stack = await slow();
    const accepted = await stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: 'T-SLOW' }) });
    expect(accepted.status).toBe(202);
    expect((await stack.getOperation(String(accepted.body.operation_id))).body).toMatchObject({
      status: 'PENDING_RETRY',
      outcome_unknown: true,
    });
    stack.clock.now = Date.parse(String(accepted.body.next_attempt_at)) + 1;
    expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
    await until(() => calls(SEND).length === 2);
    expect(calls(SEND)).toHaveLength(2);
  });

  it('reconciles a full shipment TOP refuses as already shipped after the lost answer: SUCCEEDED, not FAILED', async () => {
    const stack = await slow();
    const accepted = await stack.deliverStorefront({
      fulfillment: fulfillment({ out_ref: 'SLOW-ALL', send_type: 'all' }),
    });
    expect(accepted.status).toBe(202);
    const operationId = String(accepted.body.operation_id);
    stack.clock.now = Date.parse(String(accepted.body.next_attempt_at)) + 1;
    expect(await stack.sweep()).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
    const view = (await stack.getOperation(operationId)).body;
    expect(view).toMatchObject({ status: 'SUCCEEDED', reconciled: true });
    expect(view.last_error).toMatchObject({ kind: 'permanent', sub_code: 'ORDER_ALREADY_SHIPPED' });
    expect(calls(FULFIL)).toHaveLength(2);
  });

  it('still FAILS a shipment of an order another delivery closed, when no answer of ours was lost', async () => {
    const stack = await webhookHarness(parts.dynamo, parts.sim);
    await stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: 'CLOSED', send_type: 'all' }) });
    const other = await stack.deliverStorefront({
      fulfillment: fulfillment({ out_ref: 'CLOSED', send_type: 'all', logistics_no: 'LA00000009CN' }),
    });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ top: { sub_code: 'ORDER_ALREADY_SHIPPED' } });
  });

  it('makes at most two TOP calls per event over 20 events (printed)', async () => {
    const stack = await slow();
    const events = 20;
    const accepted = await Promise.all(
      Array.from({ length: events }, (_, n) =>
        n % 2 === 0
          ? stack.deliverWms({ delivery_order: deliveryOrder({ ticket_id: `T-SLOW-${n}` }) })
          : stack.deliverStorefront({ fulfillment: fulfillment({ out_ref: `SLOW-${n}`, send_type: 'all' }) }),
      ),
    );
    expect(accepted.every((response) => response.status === 202)).toBe(true);
    for (let round = 0; round < 5; round++) {
      stack.clock.now += 3_600_000;
      await stack.sweep();
    }
    await until(() => calls().length >= events * 2);
    const statuses = await Promise.all(
      accepted.map(
        async (response) => (await stack.getOperation(String(response.body.operation_id))).body.status,
      ),
    );
    expect(statuses.every((status) => status === 'SUCCEEDED')).toBe(true);
    const perEvent = calls().length / events;
    console.info(`TOP calls per event, TOP 1.5x slower than the webhook's deadline: ${perEvent.toFixed(2)}`);
    expect(perEvent).toBe(2);
  });
});
