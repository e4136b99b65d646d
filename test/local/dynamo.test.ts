import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dueTableDefinition, operationsTableDefinition } from '#lib/operations/table.ts';
import { DirectoryLockedError } from '#local/dir-lock.ts';
import {
  ensureTable,
  type LocalDynamo,
  rebuildCopyName,
  startLocalDynamo,
  TableDefinitionMismatchError,
} from '#local/dynamo.ts';

let dataDir: string;
const running: LocalDynamo[] = [];
const clients: DynamoDBClient[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-dynamo-'));
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const dynamo of running.splice(0)) await dynamo.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(options: { dataDir?: string; thread?: boolean } = {}) {
  const dynamo = await startLocalDynamo(options);
  running.push(dynamo);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  clients.push(client);
  return { dynamo, client };
}

const item = { pk: { S: 'op#1' }, status: { S: 'SUCCEEDED' } };
const getItem = (client: DynamoDBClient) =>
  client.send(new GetItemCommand({ TableName: 'operations', Key: { pk: { S: 'op#1' } } }));

describe('startLocalDynamo', () => {
  it('keeps the data under dataDir across a restart', async () => {
    const first = await start({ dataDir });
    await ensureTable(first.client, 'operations', operationsTableDefinition);
    await first.client.send(new PutItemCommand({ TableName: 'operations', Item: item }));
    await first.dynamo.close();

    const second = await start({ dataDir });

    expect((await getItem(second.client)).Item).toEqual(item);
    expect(await ensureTable(second.client, 'operations', operationsTableDefinition)).toBe('exists');
  });

  it('keeps nothing without a dataDir', async () => {
    const first = await start();
    await ensureTable(first.client, 'operations', operationsTableDefinition);
    await first.client.send(new PutItemCommand({ TableName: 'operations', Item: item }));
    await first.dynamo.close();

    const second = await start();

    expect(await ensureTable(second.client, 'operations', operationsTableDefinition)).toBe('created');
    expect((await getItem(second.client)).Item).toBeUndefined();
  });

  it('refuses a dataDir another running instance holds, naming it', async () => {
    await start({ dataDir });

    const refused = startLocalDynamo({ dataDir });

    await expect(refused).rejects.toThrow(DirectoryLockedError);
    await expect(refused).rejects.toThrow(dataDir);
  });

  it('releases the dataDir on close, and closing twice is harmless', async () => {
    const { dynamo } = await start({ dataDir });
    await dynamo.close();
    await dynamo.close();

    await expect(start({ dataDir })).resolves.toBeDefined();
  });
});

describe('startLocalDynamo on a thread of its own', () => {
  it('serves the same store, kept under dataDir across a restart, and holds the folder while it runs', async () => {
    const first = await start({ dataDir, thread: true });
    await ensureTable(first.client, 'operations', operationsTableDefinition);
    await first.client.send(new PutItemCommand({ TableName: 'operations', Item: item }));
    await expect(startLocalDynamo({ dataDir })).rejects.toThrow(DirectoryLockedError);
    await first.dynamo.close();
    await first.dynamo.close();

    const second = await start({ dataDir, thread: true });

    expect((await getItem(second.client)).Item).toEqual(item);
    expect(await ensureTable(second.client, 'operations', operationsTableDefinition)).toBe('exists');
  });
});

describe('ensureTable', () => {
  it('creates the table once and is idempotent after, with the table ACTIVE at once', async () => {
    const { client } = await start();

    const outcomes = [
      await ensureTable(client, 'operations', operationsTableDefinition),
      await ensureTable(client, 'operations', operationsTableDefinition),
    ];
    await client.send(new PutItemCommand({ TableName: 'operations', Item: item }));

    expect(outcomes).toEqual(['created', 'exists']);
  });

  it('tolerates concurrent callers', async () => {
    const { client } = await start();

    const outcomes = await Promise.all([
      ensureTable(client, 'operations', operationsTableDefinition),
      ensureTable(client, 'operations', operationsTableDefinition),
    ]);

    expect(outcomes.sort()).toEqual(['created', 'exists']);
  });

  it('refuses an existing table whose key differs from the definition, naming the data folder to delete', async () => {
    const { client } = await start();
    await ensureTable(client, 'operations', {
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });

    const refused = ensureTable(client, 'operations', operationsTableDefinition);

    await expect(refused).rejects.toThrow(TableDefinitionMismatchError);
    await expect(refused).rejects.toThrow('delete the local data folder');
  });
});

describe('ensureTable on a data folder from before an index was added', () => {
  // Operations written before the `list` index: each holds its list keys already, as after a write.
  const operation = (n: number) => ({
    pk: { S: `op#${n}` },
    status: { S: 'DEAD' },
    list_shard: { S: 'op#DEAD' },
    list_at: { N: `${1000 + n}.5` },
    due_shard: { S: 'due' },
    due_at: { N: `${2000 + n}.5` },
  });
  const ITEMS = Array.from({ length: 60 }, (_, n) => operation(n));

  const deadOperations = async (client: DynamoDBClient) =>
    (
      await client.send(
        new QueryCommand({
          TableName: 'operations',
          IndexName: 'list',
          KeyConditionExpression: 'list_shard = :shard',
          ExpressionAttributeValues: { ':shard': { S: 'op#DEAD' } },
        }),
      )
    ).Items?.map((item) => item.pk?.S);
  const items = async (client: DynamoDBClient, table = 'operations') =>
    ((await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [])
      .map((item) => item.pk?.S ?? '')
      .sort();
  const indexNames = async (client: DynamoDBClient) =>
    (
      (await client.send(new DescribeTableCommand({ TableName: 'operations' }))).Table
        ?.GlobalSecondaryIndexes ?? []
    )
      .map((index) => index.IndexName)
      .sort();
  const tables = async (client: DynamoDBClient) =>
    ((await client.send(new ListTablesCommand({}))).TableNames ?? []).sort();

  async function oldTable(client: DynamoDBClient) {
    await ensureTable(client, 'operations', dueTableDefinition);
    for (const Item of ITEMS) await client.send(new PutItemCommand({ TableName: 'operations', Item }));
  }

  it('is why ensureTable rebuilds: dynalite cannot add a global secondary index to a table', async () => {
    const { client } = await start();
    await oldTable(client);
    const [, list] = operationsTableDefinition.GlobalSecondaryIndexes;

    await expect(
      client.send(
        new UpdateTableCommand({
          TableName: 'operations',
          AttributeDefinitions: operationsTableDefinition.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: list }],
        }),
      ),
    ).rejects.toThrow(/provisionedThroughput/);
    expect(await indexNames(client)).toEqual(['due']);
  });

  it('recreates the table with the new index, every item kept and indexed, and leaves no copy', async () => {
    const { dynamo, client } = await start({ dataDir });
    await oldTable(client);

    expect(await ensureTable(client, 'operations', operationsTableDefinition)).toBe('rebuilt');

    expect(await indexNames(client)).toEqual(['due', 'list']);
    expect(await items(client)).toEqual(ITEMS.map((item) => item.pk.S).sort());
    expect((await deadOperations(client))?.sort()).toEqual(ITEMS.map((item) => item.pk.S).sort());
    expect(await tables(client)).toEqual(['operations']);
    expect((await getItem(client)).Item).toEqual(ITEMS[1]);
    await dynamo.close();

    const again = await start({ dataDir });
    expect(await ensureTable(again.client, 'operations', operationsTableDefinition)).toBe('exists');
    expect((await deadOperations(again.client))?.length).toBe(ITEMS.length);
  });

  it('finishes a rebuild killed after the table was dropped: the copy holds every item', async () => {
    const { client } = await start();
    await client.send(
      new CreateTableCommand({
        TableName: rebuildCopyName('operations'),
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (const Item of ITEMS) {
      await client.send(new PutItemCommand({ TableName: rebuildCopyName('operations'), Item }));
    }

    expect(await ensureTable(client, 'operations', operationsTableDefinition)).toBe('rebuilt');

    expect(await tables(client)).toEqual(['operations']);
    expect(await items(client)).toEqual(ITEMS.map((item) => item.pk.S).sort());
    expect((await deadOperations(client))?.length).toBe(ITEMS.length);
  });

  it('starts over from the table when killed while copying: the partial copy is dropped, nothing is lost', async () => {
    const { client } = await start();
    await oldTable(client);
    await client.send(
      new CreateTableCommand({
        TableName: rebuildCopyName('operations'),
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client.send(
      new PutItemCommand({ TableName: rebuildCopyName('operations'), Item: ITEMS[0] as (typeof ITEMS)[0] }),
    );

    expect(await ensureTable(client, 'operations', operationsTableDefinition)).toBe('rebuilt');

    expect(await tables(client)).toEqual(['operations']);
    expect(await items(client)).toEqual(ITEMS.map((item) => item.pk.S).sort());
    expect((await deadOperations(client))?.length).toBe(ITEMS.length);
  });

  it('also drops an index the definition no longer has', async () => {
    const { client } = await start();
    await ensureTable(client, 'operations', operationsTableDefinition);
    await client.send(new PutItemCommand({ TableName: 'operations', Item: item }));

    expect(await ensureTable(client, 'operations', dueTableDefinition)).toBe('rebuilt');

    expect(await indexNames(client)).toEqual(['due']);
    expect((await getItem(client)).Item).toEqual(item);
  });
});
