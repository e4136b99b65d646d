import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { type DirectoryLock, lockDirectory } from './dir-lock.ts';

export interface LocalDynamoOptions {
  /** Where LevelDB keeps the data, so a restart loses nothing; in memory when absent. */
  readonly dataDir?: string;
}

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`, for the client's `endpoint`. */
  readonly endpoint: string;
  /** Stops the server and closes the store, flushing it to disk. */
  close(): Promise<void>;
}

/** A DynamoDB-compatible server (dynalite) on a free loopback port; tables are ACTIVE as soon as created. */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const lock: DirectoryLock | undefined = options.dataDir ? await lockDirectory(options.dataDir) : undefined;
  const server = dynalite({
    ...(options.dataDir && { path: options.dataDir }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // An SDK client's idle keep-alive sockets would otherwise hold the close open.
        server.closeIdleConnections();
      }).finally(() => lock?.release());
      return closed;
    },
  };
}

/** A table's schema without its name, as the CDK stack and the local stack both create it. */
export type TableDefinition = Omit<CreateTableCommandInput, 'TableName'>;

/** The table exists with another key schema or other indexes than its definition asks for. */
export class TableDefinitionMismatchError extends Error {
  readonly table: string;
  constructor(table: string, difference: string) {
    super(`table ${table} exists with ${difference}; delete the local data folder to recreate it`);
    this.name = 'TableDefinitionMismatchError';
    this.table = table;
  }
}

/**
 * Creates the table unless it exists, and waits until it is ACTIVE. Safe to call at every start and
 * from several processes; an existing table must have the definition's key schema and indexes.
 */
export async function ensureTable(
  client: DynamoDBClient,
  name: string,
  definition: TableDefinition,
): Promise<'created' | 'exists'> {
  let outcome: 'created' | 'exists' = 'created';
  try {
    await client.send(new CreateTableCommand({ ...definition, TableName: name }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    outcome = 'exists';
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: name });
  if (outcome === 'exists') await checkDefinition(client, name, definition);
  return outcome;
}

type KeySchema = readonly { readonly AttributeName?: string; readonly KeyType?: string }[] | undefined;
type Indexes = readonly { readonly IndexName?: string; readonly KeySchema?: KeySchema }[] | undefined;

const describeKeys = (schema: KeySchema) =>
  (schema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).join(',');
const describeIndexes = (indexes: Indexes) =>
  (indexes ?? [])
    .map((index) => `${index.IndexName}(${describeKeys(index.KeySchema)})`)
    .sort()
    .join(' ');

async function checkDefinition(client: DynamoDBClient, name: string, definition: TableDefinition) {
  const { Table: table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const [keys, expectedKeys] = [describeKeys(table?.KeySchema), describeKeys(definition.KeySchema)];
  if (keys !== expectedKeys) {
    throw new TableDefinitionMismatchError(name, `key ${keys} instead of ${expectedKeys}`);
  }
  const indexes = describeIndexes(table?.GlobalSecondaryIndexes);
  const expectedIndexes = describeIndexes(definition.GlobalSecondaryIndexes);
  if (indexes !== expectedIndexes) {
    throw new TableDefinitionMismatchError(name, `indexes [${indexes}] instead of [${expectedIndexes}]`);
  }
}
