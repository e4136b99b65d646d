import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { BanStore } from '#lib/operations/ban-store.ts';
import { DedupeStore } from '#lib/operations/dedupe-store.ts';
import { OrderGuardStore } from '#lib/operations/order-guard-store.ts';
import { OperationsStore } from '#lib/operations/store.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { localDynamoClient, startLocalDynamo } from '#local/dynamo.ts';

export interface TestDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** A fresh operations table: each test gets its own, so records never leak between tests. */
  createOperationsTable(): Promise<string>;
  close(): Promise<void>;
}

let tables = 0;

/** dynalite in memory on a free loopback port, started in-process. */
export async function startTestDynamo(): Promise<TestDynamo> {
  const { endpoint, close } = await startLocalDynamo();
  const client = localDynamoClient(endpoint);
  return {
    endpoint,
    client,
    async createOperationsTable() {
      const name = `operations-${++tables}`;
      await client.send(new CreateTableCommand({ TableName: name, ...operationsTableDefinition }));
      return name;
    },
    async close() {
      client.destroy();
      await close();
    },
  };
}

/** A store over a fresh table, with an adjustable clock. */
export async function testStore(dynamo: TestDynamo, clock: { now: number } = { now: Date.now() }) {
  const tableName = await dynamo.createOperationsTable();
  const options = { client: dynamo.client, tableName, now: () => clock.now };
  return {
    tableName,
    clock,
    store: new OperationsStore(options),
    ban: new BanStore(options),
    orderGuards: new OrderGuardStore(options),
    dedupe: new DedupeStore(options),
  };
}

/** dynalite for the calling test file: started before its tests, stopped after them. */
export function useTestDynamo(): { readonly dynamo: TestDynamo } {
  const local = {} as { dynamo: TestDynamo };
  beforeAll(async () => {
    local.dynamo = await startTestDynamo();
  });
  afterAll(async () => {
    await local.dynamo.close();
  });
  return local;
}
