import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { type HeldGuard, OrderGuardStore } from '#lib/operations/order-guard-store.ts';
import { testStore, useTestDynamo } from '#test/helpers/dynamo.ts';

const local = useTestDynamo();

describe('OrderGuardStore against dynalite: the ordering guard', () => {
  const FAR = 9_999_999_999;
  const last = (held: readonly HeldGuard[] | undefined) => held?.map((guard) => guard.history.lastOccurredAt);
  /** The attempt of operation `op` (its lease token is `lease-<op>`). */
  const attempt = (op: string) => ({ token: `lease-${op}`, operationId: op });

  it('keeps the newest delivered event of each key and never moves back', async () => {
    const { orderGuards: guards, clock } = await testStore(local.dynamo);
    const until = clock.now + 10_000;
    const both = ['wms#ticket#T1', 'wms#platform#P1'];
    expect(last(await guards.hold(both, attempt('op_a'), until, FAR))).toEqual([0, 0]);
    await guards.advance(
      both,
      { occurredAt: 2_000, status: 'PACK_FINISH', operationId: 'op_a' },
      attempt('op_a'),
      FAR,
    );
    expect(await guards.hold(['wms#ticket#T1'], attempt('op_b'), until, FAR)).toEqual([
      {
        key: 'wms#ticket#T1',
        history: { lastOccurredAt: 2_000, lastStatus: 'PACK_FINISH', operationId: 'op_a' },
      },
    ]);
    await guards.advance(
      ['wms#ticket#T1'],
      { occurredAt: 1_000, status: 'PACKAGING', operationId: 'op_b' },
      attempt('op_b'),
      FAR,
    );
    expect(last(await guards.hold(both, attempt('op_c'), until, FAR))).toEqual([2_000, 2_000]);
    await guards.advance(
      ['wms#platform#P1'],
      { occurredAt: 3_000, status: 'X', operationId: 'op_c' },
      attempt('op_c'),
      FAR,
    );
    await guards.release(both, attempt('op_c'));
    expect(last(await guards.hold(both, attempt('op_d'), until, FAR))).toEqual([3_000, 2_000]);
  });

  it('lets one operation hold a delivery order at a time, until it gives it back or its hold lapses', async () => {
    const { orderGuards: guards, clock } = await testStore(local.dynamo);
    const keys = ['wms#ticket#T2', 'wms#platform#P2'];
    expect(await guards.hold(keys, attempt('op_a'), clock.now + 1_000, FAR)).toHaveLength(2);
    expect(await guards.hold(['wms#platform#P2'], attempt('op_b'), clock.now + 1_000, FAR)).toBeUndefined();
    // The one key op_b could take is given back when the other is held.
    expect(
      await guards.hold(['wms#ticket#T9', 'wms#ticket#T2'], attempt('op_b'), clock.now + 1_000, FAR),
    ).toBeUndefined();
    expect(await guards.hold(['wms#ticket#T9'], attempt('op_c'), clock.now + 1_000, FAR)).toHaveLength(1);
    await guards.release(keys, attempt('op_a'));
    expect(await guards.hold(keys, attempt('op_b'), clock.now + 1_000, FAR)).toHaveLength(2);
    clock.now += 1_001;
    expect(await guards.hold(keys, attempt('op_d'), clock.now + 1_000, FAR)).toHaveLength(2);
  });

  it('names the operation of a hold that lapsed, and not of one given back', async () => {
    const { orderGuards: guards, clock } = await testStore(local.dynamo);
    const keys = ['wms#ticket#T4'];
    await guards.hold(keys, attempt('op_a'), clock.now + 1_000, FAR);
    clock.now += 1_001;

    const taken = await guards.hold(keys, attempt('op_b'), clock.now + 1_000, FAR);
    await guards.release(keys, attempt('op_b'));
    const next = await guards.hold(keys, attempt('op_c'), clock.now + 1_000, FAR);

    expect(taken?.map((guard) => guard.lapsedOperation)).toEqual(['op_a']);
    expect(next?.map((guard) => guard.lapsedOperation)).toEqual([undefined]);
  });

  it('refuses a key, when asked, to the operation that last gave it back: a redelivery takes nothing', async () => {
    const { orderGuards: guards, clock } = await testStore(local.dynamo);
    const keys = ['wms#ticket#T5'];
    const until = clock.now + 1_000;
    await guards.hold(keys, attempt('op_a'), until, FAR);
    await guards.release(keys, attempt('op_a'));
    const redelivery = { token: 'lease-op_a-redelivered', operationId: 'op_a' };

    expect(await guards.hold(keys, redelivery, until, FAR, { unlessLastHolder: true })).toBeUndefined();
    expect(await guards.hold(keys, redelivery, until, FAR)).toHaveLength(1);
    await guards.release(keys, redelivery);
    expect(await guards.hold(keys, attempt('op_b'), until, FAR, { unlessLastHolder: true })).toHaveLength(1);
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
    await guards.hold(both, attempt('op_a'), clock.now + 10_000, FAR);
    mostInFlight = 0;

    await guards.advance(
      both,
      { occurredAt: 2_000, status: 'PACK_FINISH', operationId: 'op_a' },
      attempt('op_a'),
      FAR,
    );

    expect(mostInFlight).toBe(2);
    expect(last(await guards.hold(both, attempt('op_b'), clock.now + 10_000, FAR))).toEqual([2_000, 2_000]);
    client.destroy();
  });
});
