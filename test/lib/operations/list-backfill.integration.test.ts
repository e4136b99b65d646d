import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { backfillListIndex, OPERATION_ITEMS, operationPlace } from '#lib/operations/list-backfill.ts';
import { operationToItem } from '#lib/operations/operation-item.ts';
import { OperationsStore } from '#lib/operations/store.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { ORDER_ITEMS, orderPlace } from '#lib/tracking/list-backfill.ts';
import type { TrackedOrder } from '#lib/tracking/order.ts';
import { orderToItem } from '#lib/tracking/order-item.ts';
import type { OrderListQuery } from '#lib/tracking/order-lists.ts';
import { TrackingStore } from '#lib/tracking/store.ts';
import { logisticsOrdersTableDefinition } from '#lib/tracking/table.ts';
import { useTestDynamo } from '#test/helpers/dynamo.ts';
import { operationRecord } from '#test/helpers/operator-harness.ts';

const local = useTestDynamo();
const now = Date.now();
let tables = 0;

/** An item as the code before the `list` index wrote it: the same, without `list_shard` and `list_at`. */
const beforeTheIndex = (item: Record<string, unknown>) => {
  const { list_shard: _s, list_at: _a, ...old } = item;
  return old;
};

async function tableWith(definition: typeof operationsTableDefinition, items: Record<string, unknown>[]) {
  const name = `backfill-${++tables}`;
  await local.dynamo.client.send(new CreateTableCommand({ TableName: name, ...definition }));
  const documents = DynamoDBDocumentClient.from(local.dynamo.client);
  for (const Item of items) await documents.send(new PutCommand({ TableName: name, Item }));
  return { name, documents };
}

describe('backfillListIndex', () => {
  it('lists the operations written before the index, and touches nothing else of the table', async () => {
    const dead = operationRecord('old-dead', 'DEAD', now - 60_000);
    const succeeded = operationRecord('old-ok', 'SUCCEEDED', now - 30_000);
    const ban = { pk: 'ban#top', until: now, expires_at: Math.floor(now / 1000) + 60 };
    const { name, documents } = await tableWith(operationsTableDefinition, [
      beforeTheIndex(operationToItem(dead)),
      beforeTheIndex(operationToItem(succeeded)),
      ban,
    ]);
    const store = new OperationsStore({ client: local.dynamo.client, tableName: name, now: () => now });
    expect((await store.list({ status: 'DEAD' }, 10)).items).toEqual([]);

    const report = await backfillListIndex(local.dynamo.client, name, OPERATION_ITEMS, operationPlace);

    expect(report).toEqual({ found: 2, placed: 2, moved: 0 });
    expect((await store.list({ status: 'DEAD' }, 10)).items.map((item) => item.operation_id)).toEqual([
      dead.operation_id,
    ]);
    expect((await store.list({ status: 'SUCCEEDED' }, 10)).items).toHaveLength(1);
    // Exactly what a write by the new code holds.
    const { Item } = await documents.send(
      new GetCommand({ TableName: name, Key: { pk: `op#${dead.operation_id}` }, ConsistentRead: true }),
    );
    expect(Item).toEqual(operationToItem(dead));
    expect((await documents.send(new GetCommand({ TableName: name, Key: { pk: 'ban#top' } }))).Item).toEqual(
      ban,
    );
    expect(await backfillListIndex(local.dynamo.client, name, OPERATION_ITEMS, operationPlace)).toEqual({
      found: 0,
      placed: 0,
      moved: 0,
    });
  });

  it('leaves alone an operation written meanwhile: that write placed it already', async () => {
    const dead = operationRecord('raced', 'DEAD', now - 60_000);
    const { name, documents } = await tableWith(operationsTableDefinition, [
      beforeTheIndex(operationToItem(dead)),
    ]);
    const replayed = { ...dead, status: 'SUCCEEDED' as const, updated_at: now };

    const report = await backfillListIndex(local.dynamo.client, name, OPERATION_ITEMS, async (item) => {
      // The operation is replayed between the scan and the write.
      await documents.send(new PutCommand({ TableName: name, Item: operationToItem(replayed) }));
      return operationPlace(item);
    });

    expect(report).toEqual({ found: 1, placed: 0, moved: 1 });
    const { Item } = await documents.send(
      new GetCommand({ TableName: name, Key: { pk: `op#${dead.operation_id}` }, ConsistentRead: true }),
    );
    expect(Item).toEqual(operationToItem(replayed));
  });

  it('lists the tracked orders written before the index: refreshed, parked, not read yet', async () => {
    const order = (id: string, more: Partial<TrackedOrder>): TrackedOrder => ({
      logistics_order_id: id,
      seller_id: 'shop-1',
      created_at: now - 1_000 * Number(id.slice(-1)),
      history: [],
      unchanged_refreshes: 0,
      ...more,
    });
    const orders = [
      order('BP-1', { status: '3', next_refresh_at: now }),
      order('BP-2', {
        parked: { reason: 'TOP refused the seller session', session_fingerprint: 'fp', at: now },
      }),
      order('BP-3', { next_refresh_at: now }),
    ];
    const { name } = await tableWith(logisticsOrdersTableDefinition, [
      ...orders.map((each) => beforeTheIndex(orderToItem(each))),
      { pk: 'parked-seller#shop-1', seller_id: 'shop-1', session_fingerprint: 'fp' },
    ]);
    const tracking = new TrackingStore({ client: local.dynamo.client, tableName: name, now: () => now });

    const report = await backfillListIndex(local.dynamo.client, name, ORDER_ITEMS, orderPlace);

    expect(report).toEqual({ found: 3, placed: 3, moved: 0 });
    const ids = async (query: OrderListQuery) =>
      (await tracking.lists.list(query, 10)).items.map((item) => item.logistics_order_id);
    expect(await ids({})).toEqual(['BP-1', 'BP-2', 'BP-3']);
    expect(await ids({ parked: true })).toEqual(['BP-2']);
    expect(await ids({ status: '3' })).toEqual(['BP-1']);
    expect(await ids({ status: 'none', parked: false })).toEqual(['BP-3']);
  });
});
