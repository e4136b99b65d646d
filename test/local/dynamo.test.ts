import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { DirectoryLockedError } from '#local/dir-lock.ts';
import {
  ensureTable,
  type LocalDynamo,
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

async function start(options: { dataDir?: string } = {}) {
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

  it('refuses an existing table whose indexes differ from the definition', async () => {
    const { client } = await start();
    const { GlobalSecondaryIndexes: _, ...withoutIndexes } = operationsTableDefinition;
    await ensureTable(client, 'operations', {
      ...withoutIndexes,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    });

    await expect(ensureTable(client, 'operations', operationsTableDefinition)).rejects.toThrow(
      TableDefinitionMismatchError,
    );
  });
});
