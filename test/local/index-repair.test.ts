import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPIRES_AT, operationsTableDefinition } from '#lib/operations/table.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#local/dynamo.ts';
import { describeIndexRepair, repairIndexes } from '#local/index-repair.ts';
import {
  DRIFTED_ITEMS,
  driftOperationsIndex,
  indexEntries,
  REPAIRED_DUE_INDEX,
  withLevel,
} from './index-drift.ts';
import { driftListIndex, entryOf, LIST_ITEMS, listEntries, listIndex } from './index-repair-list-drift.ts';

const TABLE = 'operations';
/** What `repairIndexes` says of an index it found nothing wrong with. */
const clean = (index: string) => ({ table: TABLE, index, missing: 0, orphans: 0, stale: 0, finished: 0 });
// The drift below is in the `due` index; the operations table's `list` index holds none of its items.
const due = (counts: Partial<ReturnType<typeof clean>>) => [{ ...clean('due'), ...counts }, clean('list')];
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

let dataDir: string;
let dynamo: LocalDynamo | undefined;
const clients: DynamoDBClient[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-index-repair-'));
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await dynamo?.close();
  dynamo = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** A process that dies: after `writes` writes, every call fails before it reaches dynalite. */
class Killed extends Error {}

/** A client of the running dynalite; with `killedAfterWrites`, one whose process dies after that many writes. */
function clientOf(running: LocalDynamo, killedAfterWrites?: number): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint: running.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  clients.push(client);
  if (killedAfterWrites !== undefined) {
    let writes = 0;
    let dead = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (dead) throw new Killed('the process is gone');
        if (WRITES.has(context.commandName ?? '') && ++writes === killedAfterWrites) {
          const output = await next(args);
          dead = true;
          return output;
        }
        return next(args);
      },
      { step: 'initialize', name: 'killedAfterWrites' },
    );
  }
  return client;
}

async function startOn(dir: string) {
  dynamo = await startLocalDynamo({ dataDir: dir });
  return dynamo;
}

async function dueIndex(client: DynamoDBClient) {
  const { Items = [] } = await DynamoDBDocumentClient.from(client).send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'due',
      KeyConditionExpression: 'due_shard = :shard',
      ExpressionAttributeValues: { ':shard': 'due' },
    }),
  );
  return Items.map((item) => ({ pk: item.pk, due_at: item.due_at }));
}

async function allItems(client: DynamoDBClient) {
  const { Items = [] } = await DynamoDBDocumentClient.from(client).send(
    new ScanCommand({ TableName: TABLE }),
  );
  return Items.sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
}

describe('repairIndexes', () => {
  it('restores an item’s missing index entry and removes orphan entries, reporting what it repaired', async () => {
    await driftOperationsIndex(dataDir, TABLE);
    const client = clientOf(await startOn(dataDir));

    const repairs = await repairIndexes(client, TABLE, { ttlAttribute: EXPIRES_AT });

    expect(repairs).toEqual(due({ missing: 1, orphans: 3 }));
    expect(repairs.map(describeIndexRepair)).toEqual([
      'repaired operations.due: 1 missing entry restored, 3 orphans removed',
      undefined,
    ]);
    expect(await dueIndex(client)).toEqual(REPAIRED_DUE_INDEX);
    // Every item as it was, and no placeholder left for the orphan whose item did not exist.
    expect(await allItems(client)).toEqual(Object.values(DRIFTED_ITEMS));
    const ghost = await DynamoDBDocumentClient.from(client).send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'op#ghost' }, ConsistentRead: true }),
    );
    expect(ghost.Item).toBeUndefined();
    expect(await repairIndexes(client, TABLE)).toEqual(due({}));
  });

  it('reports nothing to repair on a table whose index matches its items, and writes nothing', async () => {
    const client = clientOf(await startOn(dataDir), 0);
    await ensureTable(clientOf(dynamo as LocalDynamo), TABLE, operationsTableDefinition);
    const documents = DynamoDBDocumentClient.from(clientOf(dynamo as LocalDynamo));
    for (const item of Object.values(DRIFTED_ITEMS)) {
      await documents.send(new PutCommand({ TableName: TABLE, Item: item }));
    }

    // This client's process dies at its first write: a clean table needs none.
    const repairs = await repairIndexes(client, TABLE);

    expect(repairs).toEqual(due({}));
    expect(repairs.map(describeIndexRepair)).toEqual([undefined, undefined]);
  });

  it('first finishes a repair its last start was killed in, between the two writes of an orphan’s removal', async () => {
    await driftOperationsIndex(dataDir, TABLE);
    const running = await startOn(dataDir);
    const killed = repairIndexes(clientOf(running, 1), TABLE, { ttlAttribute: EXPIRES_AT });
    await expect(killed).rejects.toMatchObject({ cause: expect.any(Killed) });

    const repairs = await repairIndexes(clientOf(running), TABLE, { ttlAttribute: EXPIRES_AT });

    expect(repairs).toEqual(due({ missing: 1, orphans: 2, finished: 1 }));
    expect(repairs.map(describeIndexRepair)).toEqual([
      'repaired operations.due: 1 missing entry restored, 2 orphans removed, 1 interrupted repair finished',
      undefined,
    ]);
    expect(await dueIndex(clientOf(running))).toEqual(REPAIRED_DUE_INDEX);
    expect(await allItems(clientOf(running))).toEqual(Object.values(DRIFTED_ITEMS));
  });

  it.each([1, 2, 3])(
    'loses no item and finishes over the next starts when each start is killed after %i write(s)',
    async (writes) => {
      await driftOperationsIndex(dataDir, TABLE);
      const running = await startOn(dataDir);
      let starts = 0;

      for (let done = false; !done; ) {
        starts++;
        expect(starts).toBeLessThan(30);
        try {
          await repairIndexes(clientOf(running, writes), TABLE, { ttlAttribute: EXPIRES_AT });
          done = true;
        } catch (error) {
          if (!((error as Error).cause instanceof Killed)) throw error;
        }
      }

      const client = clientOf(running);
      expect(starts).toBeGreaterThan(1);
      expect(await repairIndexes(client, TABLE)).toEqual(due({}));
      expect(await dueIndex(client)).toEqual(REPAIRED_DUE_INDEX);
      expect(await allItems(client)).toEqual(Object.values(DRIFTED_ITEMS));
    },
  );
});

describe('repairIndexes on the operations’ list index (INCLUDE projection)', () => {
  /** dynalite on `dataDir` with the operations table, for the time of `use`. */
  const withTable = async (use: (documents: DynamoDBDocumentClient) => Promise<void>) => {
    const running = await startLocalDynamo({ dataDir });
    const client = clientOf(running);
    try {
      await ensureTable(client, TABLE, operationsTableDefinition);
      await use(DynamoDBDocumentClient.from(client));
    } finally {
      await running.close();
    }
  };

  it('restores a missing entry, removes an orphan, and rewrites an entry whose listed fields are stale', async () => {
    await driftListIndex(dataDir, withTable, TABLE);
    const client = clientOf(await startOn(dataDir));

    const repairs = await repairIndexes(client, TABLE, { ttlAttribute: EXPIRES_AT });

    expect(repairs).toEqual([clean('due'), { ...clean('list'), missing: 1, orphans: 1, stale: 1 }]);
    expect(repairs.map(describeIndexRepair)).toEqual([
      undefined,
      'repaired operations.list: 1 missing entry restored, 1 orphan removed, 1 stale entry refreshed',
    ]);
    expect(await listIndex(client, TABLE)).toEqual({
      'op#DEAD': [LIST_ITEMS['op#L4'], LIST_ITEMS['op#L2'], LIST_ITEMS['op#L1']].map(entryOf),
      'op#SUCCEEDED': [entryOf(LIST_ITEMS['op#L3'])],
    });
    expect(await allItems(client)).toEqual(Object.values(LIST_ITEMS));
    expect(await repairIndexes(client, TABLE)).toEqual([clean('due'), clean('list')]);
  });

  it('is real: op#L2’s entry holds fields its item does not, op#L3 has two entries and op#L1 none', async () => {
    await driftListIndex(dataDir, withTable, TABLE);

    const entries = await withLevel(dataDir, (db) => listEntries(db, TABLE));

    expect(entries.map(([, entry]) => [entry.pk.S, entry.list_shard.S, entry.attempts?.N]).sort()).toEqual([
      ['op#L2', 'op#DEAD', '9'],
      ['op#L3', 'op#DEAD', '1'],
      ['op#L3', 'op#SUCCEEDED', '1'],
      ['op#L4', 'op#DEAD', '1'],
    ]);
  });
});

describe('the drift this repairs (dynalite’s LevelDB, read directly)', () => {
  it('is real: the index holds an orphan entry for each of op#2, op#4 and op#ghost and none for op#1', async () => {
    await driftOperationsIndex(dataDir, TABLE);

    const entries = await withLevel(dataDir, (db) => indexEntries(db, TABLE));

    expect(entries.map(([, entry]) => [entry.pk.S, entry.due_at.N]).sort()).toEqual([
      ['op#2', '2000.002'],
      ['op#2', '2500.25'],
      ['op#3', '3000.003'],
      ['op#4', '4000.004'],
      ['op#ghost', '1500.5'],
    ]);
  });
});
