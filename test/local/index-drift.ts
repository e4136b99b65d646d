import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ClassicLevel } from 'classic-level';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { ensureTable, startLocalDynamo } from '#local/dynamo.ts';

type Entry = { pk: { S: string }; due_shard: { S: string }; due_at: { N: string } };

/** The `due` index as it must read after a repair: pk and due_at, in due_at order. */
export const REPAIRED_DUE_INDEX = [
  { pk: 'op#1', due_at: 1000.001 },
  { pk: 'op#2', due_at: 2500.25 },
  { pk: 'op#3', due_at: 3000.003 },
];

/** The items as they must read after a repair, whatever it rewrote on the way. */
export const DRIFTED_ITEMS = {
  'op#1': { pk: 'op#1', due_shard: 'due', due_at: 1000.001, status: 'PENDING' },
  'op#2': { pk: 'op#2', due_shard: 'due', due_at: 2500.25, status: 'PENDING', attempts: 2 },
  'op#3': { pk: 'op#3', due_shard: 'due', due_at: 3000.003, status: 'PENDING' },
  'op#4': { pk: 'op#4', status: 'SUCCEEDED', result: { code: 'OK', lines: [1, 2] } },
  'op#5': { pk: 'op#5', status: 'SUCCEEDED' },
} as const;

/** dynalite's own key prefix for a global index's entries in its LevelDB (a prefixed key, no sublevel). */
const indexPrefix = (table: string, index: string) => `index-global~${table}~${index}~`;

/**
 * An operations table in `dataDir` whose `due` index drifted from its items as a SIGKILL between
 * dynalite's separate index and item writes leaves it: op#1 lost its entry (missing), and three
 * entries are orphans, each put back as dynalite had written it: op#2's from before its `due_at`
 * moved, op#4's from before it left the index, and one of op#ghost, an item since deleted.
 * op#3 and op#5 (never in the index) are as they should be.
 */
export async function driftOperationsIndex(dataDir: string, table = 'operations'): Promise<void> {
  await withTable(dataDir, table, async (documents) => {
    for (const item of [
      DRIFTED_ITEMS['op#1'],
      { ...DRIFTED_ITEMS['op#2'], due_at: 2000.002, attempts: 1 },
      DRIFTED_ITEMS['op#3'],
      { pk: 'op#4', due_shard: 'due', due_at: 4000.004, status: 'PENDING' },
      { pk: 'op#ghost', due_shard: 'due', due_at: 1500.5, status: 'PENDING' },
      DRIFTED_ITEMS['op#5'],
    ]) {
      await documents.send(new PutCommand({ TableName: table, Item: item }));
    }
  });
  const stale = await withLevel(dataDir, async (db) => {
    const entries = await indexEntries(db, table);
    return entries.filter(([, entry]) => ['op#2', 'op#4', 'op#ghost'].includes(entry.pk.S));
  });
  await withTable(dataDir, table, async (documents) => {
    await documents.send(new PutCommand({ TableName: table, Item: DRIFTED_ITEMS['op#2'] }));
    await documents.send(new PutCommand({ TableName: table, Item: DRIFTED_ITEMS['op#4'] }));
    await documents.send(new DeleteCommand({ TableName: table, Key: { pk: 'op#ghost' } }));
  });
  await withLevel(dataDir, async (db) => {
    const missing = (await indexEntries(db, table)).find(([, entry]) => entry.pk.S === 'op#1');
    if (!missing) throw new Error('op#1 has no index entry to remove');
    await db.batch([
      { type: 'del', key: missing[0] },
      ...stale.map(([key, value]) => ({ type: 'put' as const, key, value })),
    ]);
  });
}

/** The raw entries of a table's `due` index, straight from LevelDB. */
export async function indexEntries(
  db: ClassicLevel<string, unknown>,
  table: string,
): Promise<[string, Entry][]> {
  const prefix = indexPrefix(table, 'due');
  const entries: [string, Entry][] = [];
  for await (const [key, value] of db.iterator({ gte: prefix, lt: `${prefix}\xff` })) {
    entries.push([key, value as Entry]);
  }
  return entries;
}

/** dynalite's LevelDB in `dataDir`, opened directly while no dynalite runs on it. */
export async function withLevel<T>(dataDir: string, use: (db: ClassicLevel<string, unknown>) => Promise<T>) {
  const db = new ClassicLevel<string, unknown>(dataDir, { valueEncoding: 'json' });
  await db.open();
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

/** dynalite on `dataDir` with the operations table, for the time of `use`. */
async function withTable(
  dataDir: string,
  table: string,
  use: (documents: DynamoDBDocumentClient) => Promise<void>,
): Promise<void> {
  const dynamo = await startLocalDynamo({ dataDir });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await ensureTable(client, table, operationsTableDefinition);
    await use(DynamoDBDocumentClient.from(client));
  } finally {
    client.destroy();
    await dynamo.close();
  }
}
