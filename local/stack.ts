import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { ensureTable, startLocalDynamo } from './dynamo.ts';
import { functionEnvironment, OPERATIONS_TABLE_NAME } from './function-env.ts';
import { type LocalFunctions, loadLocalFunctions } from './functions.ts';
import { startLocalGateway } from './gateway/server.ts';
import { invokeLambda } from './lambda/invoke.ts';
import { scheduledEvent } from './lambda/scheduled-event.ts';
import { localRoutes } from './routes.ts';
import { startSchedule } from './scheduler.ts';
import type { LocalSettings } from './settings.ts';
import { startTopSimulator, type TopSimulator } from './top-sim/server.ts';

/** The sweeper's function timeout. */
const SWEEPER_TIMEOUT_MS = 60_000;

export interface StackOptions {
  /** Where the functions' variables are set before they load. Default `process.env`. */
  readonly env?: Record<string, string | undefined>;
  /** Default: the modules under `functions/`. */
  readonly loadFunctions?: () => Promise<LocalFunctions>;
  /** Request and simulator lines; default stdout. */
  readonly log?: (line: string) => void;
}

export interface LocalStack {
  /** The HTTP API: `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly topGatewayUrl: string;
  /** Present when the stack runs the simulator itself (TOP_GATEWAY_URL unset). */
  readonly simulator: TopSimulator | undefined;
  readonly dynamoEndpoint: string;
  /** Stops the schedule, answers requests in flight, then closes the servers and flushes the data. */
  close(): Promise<void>;
}

/**
 * The whole system on one machine: dynalite with the operations table, the TOP simulator unless a
 * gateway is configured, the functions behind a local HTTP API, and the retry sweeper on a schedule.
 */
export async function startStack(settings: LocalSettings, options: StackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? console.log;
  // Closed in reverse order, also when a later step fails.
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    const failures: unknown[] = [];
    for (const closer of closers.splice(0).reverse()) await closer().catch((error) => failures.push(error));
    if (failures.length > 0) throw new AggregateError(failures, 'the local stack did not stop cleanly');
  };
  try {
    const dynamo = await startLocalDynamo({ dataDir: join(settings.dataDir, 'dynamodb') });
    closers.push(() => dynamo.close());
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await ensureTable(client, OPERATIONS_TABLE_NAME, operationsTableDefinition);
    } finally {
      client.destroy();
    }

    let simulator: TopSimulator | undefined;
    let topGatewayUrl = settings.topGatewayUrl;
    if (!topGatewayUrl) {
      const sim = await startTopSimulator({
        appKey: settings.topAppKey,
        appSecret: settings.topAppSecret,
        sessions: Object.values(settings.sellers),
        host: '127.0.0.1',
        port: 0,
        log: (line) => log(`[top-sim] ${line}`),
      });
      closers.push(() => sim.close());
      simulator = sim;
      topGatewayUrl = sim.url;
    }

    // Before the import: the functions read their configuration at cold start.
    Object.assign(
      env,
      functionEnvironment(settings, { dynamoEndpoint: dynamo.endpoint, topGatewayUrl }, env),
    );
    const functions = await (options.loadFunctions ?? loadLocalFunctions)();

    const gateway = await startLocalGateway({
      routes: localRoutes(functions),
      port: settings.port,
      log: (line) => log(`[gateway] ${line}`),
    });
    closers.push(() => gateway.close());
    const sweeper = startSchedule({
      name: 'retry-sweeper',
      intervalMs: settings.scheduleIntervalSeconds * 1000,
      run: () =>
        invokeLambda(functions.retrySweeper, scheduledEvent('retry-sweeper'), {
          functionName: 'retry-sweeper',
          timeoutMs: SWEEPER_TIMEOUT_MS,
        }),
    });
    closers.push(() => sweeper.stop());

    return { url: gateway.url, topGatewayUrl, simulator, dynamoEndpoint: dynamo.endpoint, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
