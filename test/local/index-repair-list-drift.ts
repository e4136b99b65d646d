import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ClassicLevel } from 'classic-level';
import { OPERATION_LIST_ATTRIBUTES } from '#lib/operations/table.ts';
import { withLevel } from './index-drift.ts';

/** An operation item as the `list` index takes it: its partition, its time, the listed fields. */
const operation = (id: string, status: string, at: number, more: Record<string, unknown> = {}) => ({
  pk: `op#${id}`,
  list_shard: `op#${status}`,
  list_at: at,
  operation_id: id,
  flow: 'wms-delivery',
  status,
  attempts: 1,
  created_at: Math.floor(at),
  updated_at: Math.floor(at),
  expires_at: 4_000_000_000,
  // Not projected: the index never holds it.
  request: { method: 'tmall.ovs.delivery.order.info.send', params: { ticket_id: id } },
  ...more,
});

/** The items as they must read after a repair of the `list` index. */
export const LIST_ITEMS = {
  'op#L1': operation('L1', 'DEAD', 1000.001),
  'op#L2': operation('L2', 'DEAD', 2000.002, {
    attempts: 3,
    updated_at: 2500,
    last_error: { kind: 'transient', message: 'isp' },
  }),
  'op#L3': operation('L3', 'SUCCEEDED', 3000.003),
  'op#L4': operation('L4', 'DEAD', 4000.004),
} as const;

/** The `list` index as it must read after the repair: each entry with the item's listed fields. */
export const REPAIRED_LIST_INDEX = {
  'op#DEAD': ['op#L4', 'op#L2', 'op#L1'],
  'op#SUCCEEDED': ['op#L3'],
};

/**
 * An operations table in `dataDir` whose `list` index (INCLUDE) drifted from its items as a SIGKILL
 * between dynalite's index and item writes leaves it: op#L1 lost its entry (missing); op#L3's entry
 * from before it left `op#DEAD` is back (an orphan); and op#L2's entry holds the listed fields of a
 * write its item never got (attempts 3 → 9, another error): same keys, stale projection. op#L4 is
 * as it should be.
 */
export async function driftListIndex(
  dataDir: string,
  withTable: (use: (documents: DynamoDBDocumentClient) => Promise<void>) => Promise<void>,
  table = 'operations',
): Promise<void> {
  await withTable(async (documents) => {
    for (const item of [
      LIST_ITEMS['op#L1'],
      {
        ...LIST_ITEMS['op#L2'],
        attempts: 9,
        updated_at: 2900,
        last_error: { kind: 'auth', message: 'later' },
      },
      { ...LIST_ITEMS['op#L3'], list_shard: 'op#DEAD', status: 'DEAD' },
      LIST_ITEMS['op#L4'],
    ]) {
      await documents.send(new PutCommand({ TableName: table, Item: item }));
    }
  });
  const stale = await withLevel(dataDir, async (db) =>
    (await listEntries(db, table)).filter(([, entry]) => ['op#L2', 'op#L3'].includes(entry.pk.S)),
  );
  await withTable(async (documents) => {
    await documents.send(new PutCommand({ TableName: table, Item: LIST_ITEMS['op#L2'] }));
    await documents.send(new PutCommand({ TableName: table, Item: LIST_ITEMS['op#L3'] }));
  });
  await withLevel(dataDir, async (db) => {
    const missing = (await listEntries(db, table)).find(([, entry]) => entry.pk.S === 'op#L1');
    if (!missing) throw new Error('op#L1 has no list entry to remove');
    await db.batch([
      { type: 'del', key: missing[0] },
      ...stale.map(([key, value]) => ({ type: 'put' as const, key, value })),
    ]);
  });
}

/** The raw entries of a table's `list` index, straight from LevelDB. */
export async function listEntries(
  db: ClassicLevel<string, unknown>,
  table: string,
): Promise<[string, { pk: { S: string }; list_shard: { S: string }; attempts?: { N: string } }][]> {
  const prefix = `index-global~${table}~list~`;
  const entries: [string, { pk: { S: string }; list_shard: { S: string } }][] = [];
  for await (const [key, value] of db.iterator({ gte: prefix, lt: `${prefix}\xff` })) {
    entries.push([key, value as { pk: { S: string }; list_shard: { S: string } }]);
  }
  return entries;
}

/** Each `list` partition's entries (newest first), each with the listed fields it holds. */
export async function listIndex(client: DynamoDBClient, table = 'operations') {
  const documents = DynamoDBDocumentClient.from(client);
  const partitions: Record<string, Record<string, unknown>[]> = {};
  for (const shard of Object.keys(REPAIRED_LIST_INDEX)) {
    const { Items = [] } = await documents.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'list',
        KeyConditionExpression: 'list_shard = :shard',
        ExpressionAttributeValues: { ':shard': shard },
        ScanIndexForward: false,
      }),
    );
    partitions[shard] = Items;
  }
  return partitions;
}

/** What an entry of `item` must hold: its keys and the listed fields. */
export const entryOf = (item: Record<string, unknown>) =>
  Object.fromEntries(
    ['pk', 'list_shard', 'list_at', ...OPERATION_LIST_ATTRIBUTES].flatMap((name) =>
      item[name] === undefined ? [] : [[name, item[name]]],
    ),
  );
