import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  paginateScan,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { type DirectoryLock, lockDirectory } from './dir-lock.ts';

export interface LocalDynamoOptions {
  /** Where LevelDB keeps the data, so a restart loses nothing; in memory when absent. */
  readonly dataDir?: string;
  /**
   * Serve from a worker thread of its own, so the store's work runs beside the caller's instead of
   * between its callbacks (the local stack: the functions and their DynamoDB share one process).
   */
  readonly thread?: boolean;
}

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`, for the client's `endpoint`. */
  readonly endpoint: string;
  /** Stops the server and closes the store, flushing it to disk. */
  close(): Promise<void>;
}

const SERVER_OPTIONS = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };

/** A client of the local DynamoDB at `endpoint` (dynalite takes any region and keys). */
export const localDynamoClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** A DynamoDB-compatible server (dynalite) on a free loopback port; tables are ACTIVE as soon as created. */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const lock: DirectoryLock | undefined = options.dataDir ? await lockDirectory(options.dataDir) : undefined;
  let server: { port: number; close: () => Promise<void> };
  try {
    server = options.thread ? await serveInThread(options.dataDir) : await serve(options.dataDir);
  } catch (error) {
    await lock?.release();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    close: () => {
      closed ??= server.close().finally(() => lock?.release());
      return closed;
    },
  };
}

async function serve(dataDir: string | undefined): Promise<{ port: number; close: () => Promise<void> }> {
  const server = dynalite({ ...(dataDir && { path: dataDir }), ...SERVER_OPTIONS });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // An SDK client's idle keep-alive sockets would otherwise hold the close open.
        server.closeIdleConnections();
      }),
  };
}

// The thread's whole program, as `serve` above: it answers `close` with `closed` once the store is
// flushed. Plain CommonJS, so the thread needs no TypeScript loader.
const THREAD_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const server = require(workerData.dynalite)(workerData.options);
server.once('error', (error) => parentPort.postMessage({ error: String(error?.message ?? error) }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  server.close((error) => parentPort.postMessage({ closed: true, error: error ? String(error.message) : undefined }));
  server.closeIdleConnections();
});
`;

type ThreadMessage = { port?: number; closed?: boolean; error?: string };

async function serveInThread(
  dataDir: string | undefined,
): Promise<{ port: number; close: () => Promise<void> }> {
  const worker = new Worker(THREAD_PROGRAM, {
    eval: true,
    workerData: {
      dynalite: createRequire(import.meta.url).resolve('dynalite'),
      options: { ...(dataDir && { path: dataDir }), ...SERVER_OPTIONS },
    },
  });
  const next = () =>
    new Promise<ThreadMessage>((resolve, reject) => {
      const onMessage = (message: ThreadMessage) => {
        worker.off('error', onError);
        resolve(message);
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
  const started = await next().catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (started.port === undefined) {
    await worker.terminate();
    throw new Error(`dynalite did not start: ${started.error ?? 'no port'}`);
  }
  return {
    port: started.port,
    close: async () => {
      const closing = next();
      worker.postMessage('close');
      const { error } = await closing.finally(() => worker.terminate());
      if (error) throw new Error(`dynalite did not close cleanly: ${error}`);
    },
  };
}

/** A table's schema without its name, as the CDK stack and the local stack both create it. */
export type TableDefinition = Omit<CreateTableCommandInput, 'TableName'>;

/** The table exists with another key schema than its definition asks for. */
export class TableDefinitionMismatchError extends Error {
  readonly table: string;
  constructor(table: string, difference: string) {
    super(`table ${table} exists with ${difference}; delete the local data folder to recreate it`);
    this.name = 'TableDefinitionMismatchError';
    this.table = table;
  }
}

/** The name of the copy a table's items wait in while the table is recreated with other indexes. */
export const rebuildCopyName = (table: string): string => `${table}.rebuild`;

/**
 * Creates the table unless it exists, and waits until it is ACTIVE. Safe to call at every start and
 * from several processes; an existing table must have the definition's key schema.
 *
 * An existing table whose indexes differ from the definition (a data folder from before an index was
 * added) is recreated with them, its items copied over (`rebuilt`): dynalite 4 cannot add a global
 * secondary index to a table (its UpdateTable asks an on-demand table for a ProvisionedThroughput,
 * and builds no index either way), and an index is derived data, rebuilt from the items as they are
 * put back. The items wait in a copy table meanwhile, so a start killed at any point loses nothing:
 * the next start finds the copy and finishes, or starts over while the original is still whole.
 * Run it while nothing else uses the table (the local stack does, before the functions load).
 */
export async function ensureTable(
  client: DynamoDBClient,
  name: string,
  definition: TableDefinition,
): Promise<'created' | 'exists' | 'rebuilt'> {
  if (await finishRebuild(client, name, definition)) return 'rebuilt';
  let outcome: 'created' | 'exists' = 'created';
  try {
    await client.send(new CreateTableCommand({ ...definition, TableName: name }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    outcome = 'exists';
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: name });
  if (outcome === 'created') return outcome;
  const table = await describe(client, name);
  const [keys, expectedKeys] = [describeKeys(table?.KeySchema), describeKeys(definition.KeySchema)];
  if (keys !== expectedKeys) {
    throw new TableDefinitionMismatchError(name, `key ${keys} instead of ${expectedKeys}`);
  }
  if (sameIndexes(table, definition)) return 'exists';
  await rebuild(client, name, definition);
  return 'rebuilt';
}

type KeySchema = readonly { readonly AttributeName?: string; readonly KeyType?: string }[] | undefined;
type Index = {
  readonly IndexName?: string;
  readonly KeySchema?: KeySchema;
  readonly Projection?: { readonly ProjectionType?: string; readonly NonKeyAttributes?: readonly string[] };
};

const describeKeys = (schema: KeySchema) =>
  (schema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).join(',');
const describeIndexes = (indexes: readonly Index[] | undefined) =>
  (indexes ?? [])
    .map((index) => {
      const projection = index.Projection ?? {};
      const attributes = [...(projection.NonKeyAttributes ?? [])].sort().join(',');
      return `${index.IndexName}(${describeKeys(index.KeySchema)};${projection.ProjectionType ?? 'KEYS_ONLY'}${attributes && `:${attributes}`})`;
    })
    .sort()
    .join(' ');
const sameIndexes = (table: TableDescription | undefined, definition: TableDefinition) =>
  describeIndexes(table?.GlobalSecondaryIndexes) === describeIndexes(definition.GlobalSecondaryIndexes);

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Copies the items to the copy table, recreates the table with the definition, and copies them back. */
async function rebuild(client: DynamoDBClient, name: string, definition: TableDefinition): Promise<void> {
  const copy = rebuildCopyName(name);
  await client.send(
    new CreateTableCommand({
      TableName: copy,
      AttributeDefinitions: (definition.AttributeDefinitions ?? []).filter((attribute) =>
        definition.KeySchema?.some((key) => key.AttributeName === attribute.AttributeName),
      ),
      KeySchema: definition.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: copy });
  await copyItems(client, name, copy);
  // From here the copy holds every item: a start killed later finishes from it (finishRebuild).
  await dropTable(client, name);
  await finishRebuild(client, name, definition);
}

/**
 * Finishes a rebuild whose copy table exists: recreates the table if it is gone, copies the items
 * back, drops the copy. A copy beside a table that still has its old indexes may be partial: it is
 * dropped, and the caller starts over. `true` when a rebuild was finished.
 */
async function finishRebuild(
  client: DynamoDBClient,
  name: string,
  definition: TableDefinition,
): Promise<boolean> {
  const copy = rebuildCopyName(name);
  if (!(await describe(client, copy))) return false;
  const table = await describe(client, name);
  if (table && !sameIndexes(table, definition)) {
    await dropTable(client, copy);
    return false;
  }
  if (!table) {
    await client.send(new CreateTableCommand({ ...definition, TableName: name }));
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: name });
  }
  // Puts are whole-item overwrites: copying again what a killed start had copied changes nothing.
  await copyItems(client, copy, name);
  await dropTable(client, copy);
  return true;
}

// BatchWriteItem takes 25 items a request.
const BATCH = 25;

async function copyItems(client: DynamoDBClient, from: string, to: string): Promise<void> {
  for await (const page of paginateScan({ client }, { TableName: from, ConsistentRead: true })) {
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += BATCH) {
      let requests = items.slice(i, i + BATCH).map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; requests.length > 0; round++) {
        if (round === 10) throw new Error(`could not copy ${requests.length} items of ${from} to ${to}`);
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [to]: requests } }),
        );
        requests = (UnprocessedItems?.[to] ?? []).flatMap((request) =>
          request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
        );
      }
    }
  }
}

async function dropTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: name }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await waitUntilTableNotExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: name });
}
