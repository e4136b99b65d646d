import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { OrderGuardStore, type OrderHistory } from '#lib/operations/order-guard-store.ts';
import { testStore, useTestDynamo } from '#test/helpers/dynamo.ts';

const local = useTestDynamo();

describe('OrderGuardStore against dynalite: the ordering guard', () => {
  const FAR = 9_999_999_999;
  const last = (histories: readonly OrderHistory[] | undefined) =>
    histories?.map((history) => history.lastOccurredAt);

  it('keeps the newest delivered event of each key and never moves back', async () => {
    const { orderGuards: guards, clock } = await testStore(local.dynamo);
    const until = clock.now + 10_000;
    const both = ['wms#ticket#T1', 'wms#platform#P1'];
    expect(last(await guards.hold(both, 'op_a', until, FAR))).toEqual([0, 0]);
    await guards.advance(
      both,
      { occurredAt: 2_000, status: 'PACK_FINISH', operationId: 'op_a' },
      'op_a',
      FAR,
    );
    expect(await guards.hold(['wms#ticket#T1'], 'op_b', until, FAR)).toEqual([
      { lastOccurredAt: 2_000, lastStatus: 'PACK_FINISH', operationId: 'op_a' },
    ]);
    await guards.advance(
      ['wms#ticket#T1'],
      { occurredAt: 1_000, status: 'PACKAGING', operationId: 'op_b' },
      'op_b',
      FAR,
    );
    expect(last(await guards.hold(both, 'op_c', until, FAR))).toEqual([2_000, 2_000]);
    await guards.advance(
      ['wms#platform#P1'],
      { occurredAt: 3_000, status: 'X', operationId: 'op_c' },
      'op_c',
      FAR,
    );
    await guards.release(both, 'op_c');
    expect(last(await guards.hold(both, 'op_d', until, FAR))).toEqual([3_000, 2_000]);
  });

  it('lets one operation hold a delivery order at a time, until it gives it back or its hold lapses', async () => {
    const { orderGuards: guards, clock } = await testStore(local.dynamo);
    const keys = ['wms#ticket#T2', 'wms#platform#P2'];
    expect(await guards.hold(keys, 'op_a', clock.now + 1_000, FAR)).toHaveLength(2);
    expect(await guards.hold(['wms#platform#P2'], 'op_b', clock.now + 1_000, FAR)).toBeUndefined();
    // The one key op_b could take is given back when the other is held.
    expect(
      await guards.hold(['wms#ticket#T9', 'wms#ticket#T2'], 'op_b', clock.now + 1_000, FAR),
    ).toBeUndefined();
    expect(await guards.hold(['wms#ticket#T9'], 'op_c', clock.now + 1_000, FAR)).toHaveLength(1);
    await guards.release(keys, 'op_a');
    expect(await guards.hold(keys, 'op_b', clock.now + 1_000, FAR)).toHaveLength(2);
    clock.now += 1_001;
    expect(await guards.hold(keys, 'op_d', clock.now + 1_000, FAR)).toHaveLength(2);
  });

  it("moves a delivery order's guards on at once, one round trip for all its keys", async () => {
    const { tableName, clock } = await testStore(local.dynamo);
    // Counts the requests on the wire, and the most in flight together.
    let inFlight = 0;
    let mostInFlight = 0;
    const client = new DynamoDBClient({
      endpoint: local.dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= 1;
        }
      },
      { step: 'initialize', name: 'countInFlight' },
    );
    const guards = new OrderGuardStore({ client, tableName, now: () => clock.now });
    const both = ['wms#ticket#T3', 'wms#platform#P3'];
    await guards.hold(both, 'op_a', clock.now + 10_000, FAR);
    mostInFlight = 0;

    await guards.advance(
      both,
      { occurredAt: 2_000, status: 'PACK_FINISH', operationId: 'op_a' },
      'op_a',
      FAR,
    );

    expect(mostInFlight).toBe(2);
    expect(last(await guards.hold(both, 'op_b', clock.now + 10_000, FAR))).toEqual([2_000, 2_000]);
    client.destroy();
  });
});
