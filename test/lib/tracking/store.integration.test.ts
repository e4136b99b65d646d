import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptItemError } from '#lib/dynamo/errors.ts';
import type { TrackedOrder } from '#lib/tracking/order.ts';
import { TrackingStore } from '#lib/tracking/store.ts';
import { logisticsOrdersTableDefinition } from '#lib/tracking/table.ts';
import { startTestDynamo, type TestDynamo } from '#test/helpers/dynamo.ts';

let dynamo: TestDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

async function freshStore(clock = { now: 1_700_000_000_000 }) {
  const tableName = `logistics-orders-${++tables}`;
  await dynamo.client.send(
    new CreateTableCommand({ TableName: tableName, ...logisticsOrdersTableDefinition }),
  );
  return {
    clock,
    tableName,
    store: new TrackingStore({ client: dynamo.client, tableName, now: () => clock.now }),
  };
}

const order = (id: string, now: number, overrides: Partial<TrackedOrder> = {}): TrackedOrder => ({
  logistics_order_id: id,
  seller_id: 'shop-1',
  created_at: now,
  history: [],
  unchanged_refreshes: 0,
  next_refresh_at: now,
  ...overrides,
});

describe('TrackingStore against dynalite', () => {
  it('tracks an order once', async () => {
    const { store, clock } = await freshStore();
    expect(await store.register(order('BP1', clock.now))).toBe(true);
    expect(await store.register(order('BP1', clock.now, { seller_id: 'shop-2' }))).toBe(false);
    expect((await store.get('BP1'))?.seller_id).toBe('shop-1');
  });

  it('reads many orders at once, each id to its order or to nothing, past 100 keys a request', async () => {
    const { store, clock } = await freshStore();
    const ids = Array.from({ length: 150 }, (_, i) => `BPM${i}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((id) => store.register(order(id, clock.now))));
    }
    await store.register(order('GONE', clock.now, { expires_at: Math.floor(clock.now / 1000) - 1 }));

    const read = await store.getMany([...ids, 'NEVER', 'GONE', 'X'.repeat(5_000)]);

    expect(read.size).toBe(ids.length + 3);
    expect(read.get('BPM0')).toEqual(await store.get('BPM0'));
    expect(read.get('BPM149')?.logistics_order_id).toBe('BPM149');
    expect([read.get('NEVER'), read.get('GONE'), read.get('X'.repeat(5_000))]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(read.has('NEVER')).toBe(true);
  });

  it('lists due orders page by page, oldest first, and not those due later', async () => {
    const { store, clock } = await freshStore();
    for (let i = 0; i < 5; i++) await store.register(order(`BP${i}`, clock.now - 100 + i));
    await store.register(order('LATER', clock.now, { next_refresh_at: clock.now + 1_000 }));
    const first = await store.due(3);
    expect(first.items.map((due) => due.logisticsOrderId)).toEqual(['BP0', 'BP1', 'BP2']);
    const second = await store.due(3, first.next);
    expect(second.items.map((due) => due.logisticsOrderId)).toEqual(['BP3', 'BP4']);
  });

  it('lets one of many overlapping dispatchers claim a due order', async () => {
    const { store, clock } = await freshStore();
    await store.register(order('BP1', clock.now - 1));
    const [due] = (await store.due(10)).items;
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.claim('BP1', due?.dueAt ?? 0, `t${i}`, clock.now + 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await store.due(10)).items).toEqual([]);
    clock.now += 60_001;
    expect((await store.due(10)).items.map((d) => d.logisticsOrderId)).toEqual(['BP1']);
  });

  it('saves only under the current dispatch token', async () => {
    const { store, clock } = await freshStore();
    await store.register(order('BP1', clock.now - 1));
    const [listed] = (await store.due(10)).items;
    expect(await store.claim('BP1', listed?.dueAt ?? 0, 'old', clock.now + 10)).toBe(true);
    // The first worker never finished: once the lease ends the order is claimed again.
    clock.now += 11;
    expect(await store.claim('BP1', clock.now - 12, 'stale-view', clock.now + 60_000)).toBe(false);
    const [due] = (await store.due(10)).items;
    expect(await store.claim('BP1', due?.dueAt ?? 0, 'new', clock.now + 60_000)).toBe(true);
    const current = (await store.get('BP1')) as TrackedOrder;
    const saved = { ...current, status: '2', next_refresh_at: clock.now + 300_000 };
    expect(await store.save(saved, 'old')).toBe(false);
    expect(await store.save(saved, 'new')).toBe(true);
    expect((await store.get('BP1'))?.status).toBe('2');
  });

  it('keeps parked orders out of the refresh until they are resumed', async () => {
    const { store, clock } = await freshStore();
    await store.register(order('BP1', clock.now - 1));
    const [listed] = (await store.due(10)).items;
    expect(await store.claim('BP1', listed?.dueAt ?? 0, 't', clock.now + 60_000)).toBe(true);
    const parked = {
      ...((await store.get('BP1')) as TrackedOrder),
      next_refresh_at: undefined,
      parked: { reason: 'session refused', session_fingerprint: 'fp1', at: clock.now },
    };
    await store.save(parked, 't');
    await store.markSellerParked('shop-1', 'fp1');
    clock.now += 3_600_000;
    expect((await store.due(10)).items).toEqual([]);
    expect(await store.parkedSellers()).toEqual([{ sellerId: 'shop-1', sessionFingerprint: 'fp1' }]);
    expect(await store.parkedOrders('shop-1', 10)).toEqual(['BP1']);
    expect(await store.resume('BP1', 'shop-1')).toBe(true);
    expect(await store.clearSellerParked('shop-1', 'fp1')).toBe(true);
    expect((await store.due(10)).items.map((d) => d.logisticsOrderId)).toEqual(['BP1']);
    expect(await store.parkedSellers()).toEqual([]);
    expect((await store.get('BP1'))?.parked).toBeUndefined();
  });

  it('treats a finished order past its retention as gone', async () => {
    const { store, clock } = await freshStore();
    await store.register(
      order('BP1', clock.now, { next_refresh_at: undefined, expires_at: Math.floor(clock.now / 1000) + 10 }),
    );
    expect(await store.get('BP1')).toBeDefined();
    clock.now += 11_000;
    expect(await store.get('BP1')).toBeUndefined();
  });

  it('refuses an order item it did not write rather than act on it, naming the fields only', async () => {
    const { store, tableName } = await freshStore();
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'lo#BP1', logistics_order_id: 'BP1', seller_id: 'shop-1', created_at: 1, status: 6 },
      }),
    );
    const error = await store.get('BP1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptItemError);
    expect(error).toMatchObject({ fields: ['status', 'history', 'unchanged_refreshes'] });
    expect((error as Error).message).not.toContain('shop-1');
  });
});
