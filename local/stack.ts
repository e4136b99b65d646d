import { join } from 'node:path';
import { EXPIRES_AT, operationsTableDefinition } from '#lib/operations/table.ts';
import { sellersTableDefinition } from '#lib/sellers/table.ts';
import type { LogisticsOrderStatusChanged } from '#lib/tracking/ports.ts';
import { logisticsOrdersTableDefinition } from '#lib/tracking/table.ts';
import { type LocalQueueSink, startLocalAwsServices } from './aws-services.ts';
import { consoleRoute } from './console/route.ts';
import { ensureTable, localDynamoClient, startLocalDynamo } from './dynamo.ts';
import { eventLogRoute, openEventLog } from './event-log.ts';
import {
  functionEnvironment,
  LOGISTICS_ORDERS_TABLE_NAME,
  OPERATIONS_TABLE_NAME,
  REFRESH_QUEUE_NAME,
  SELLERS_TABLE_NAME,
} from './function-env.ts';
import { type LocalFunctions, loadLocalFunctions } from './functions.ts';
import type { HttpHandler } from './gateway/route.ts';
import { startLocalGateway } from './gateway/server.ts';
import { describeIndexRepair, repairIndexes } from './index-repair.ts';
import { invokeLambda } from './lambda/invoke.ts';
import { scheduledEvent } from './lambda/scheduled-event.ts';
import { openapiRoute } from './openapi-route.ts';
import { startLocalQueue } from './queue.ts';
import { localRoutes } from './routes.ts';
import { startSchedule } from './scheduler.ts';
import { openLocalSecretStore } from './secrets-manager.ts';
import type { LocalSettings } from './settings.ts';
import { startTopSimulator, type TopSimulator } from './top-sim/server.ts';

/** The scheduled functions' timeout. */
const SCHEDULED_TIMEOUT_MS = 60_000;
/** The refresh worker's timeout; the queue's visibility timeout is six times it, as in AWS. */
const WORKER_TIMEOUT_MS = 30_000;

export interface StackOptions {
  /** Where the functions' variables are set before they load. Default `process.env`. */
  readonly env?: Record<string, string | undefined>;
  /** Default: the modules under `functions/`. */
  readonly loadFunctions?: () => Promise<LocalFunctions>;
  /** Request, simulator and index repair lines; default stdout. */
  readonly log?: (line: string) => void;
}

export interface LocalStack {
  /** The HTTP API: `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly topGatewayUrl: string;
  /** The AliExpress Open Platform's host; absent with AE_PROTOCOL=top. */
  readonly aeGatewayUrl: string | undefined;
  /** Present when the stack runs the simulator itself (a gateway URL unset). */
  readonly simulator: TopSimulator | undefined;
  readonly dynamoEndpoint: string;
  /** Stops the schedule, answers requests in flight, then closes the servers and flushes the data. */
  close(): Promise<void>;
}

/**
 * The whole system on one machine: dynalite with the three tables, the TOP simulator unless a gateway
 * is configured, the functions behind a local HTTP API, the retry sweeper, the refresh dispatcher and
 * the token renewal on schedules, the refresh queue feeding the worker, the event log standing in for
 * EventBridge, and sellers' tokens in a local Secrets Manager.
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
    // On a thread of its own: the store's work then runs beside the functions', not between it.
    const dynamo = await startLocalDynamo({ dataDir: join(settings.dataDir, 'dynamodb'), thread: true });
    closers.push(() => dynamo.close());
    const client = localDynamoClient(dynamo.endpoint);
    try {
      for (const [table, definition] of [
        [OPERATIONS_TABLE_NAME, operationsTableDefinition],
        [LOGISTICS_ORDERS_TABLE_NAME, logisticsOrdersTableDefinition],
        [SELLERS_TABLE_NAME, sellersTableDefinition],
      ] as const) {
        await ensureTable(client, table, definition);
        // A SIGKILL between dynalite's index and item writes leaves the two apart: put right before anything
        // reads the index (the sweeper would never see an item missing from it, and stall on orphans).
        for (const repair of await repairIndexes(client, table, { ttlAttribute: EXPIRES_AT })) {
          const line = describeIndexRepair(repair);
          if (line) log(`[dynamo] ${line}`);
        }
      }
    } finally {
      client.destroy();
    }

    const events = await openEventLog({ file: join(settings.dataDir, 'events.jsonl') });
    closers.push(() => events.close());
    // The queue needs the worker, which loads after the environment names this endpoint: bound late.
    let refreshQueue: LocalQueueSink | undefined;
    // Sellers' tokens, as Secrets Manager would keep them: on disk, under the data directory.
    const secrets = await openLocalSecretStore({ dir: join(settings.dataDir, 'secrets') });
    const aws = await startLocalAwsServices({
      secrets,
      queues: {
        [REFRESH_QUEUE_NAME]: {
          send: (bodies) => {
            if (!refreshQueue) throw new Error('the refresh queue is not ready');
            return refreshQueue.send(bodies);
          },
        },
      },
      putEvents: (entries) =>
        events.publisher.publish(
          entries.map((entry) => JSON.parse(entry.Detail ?? '{}') as LogisticsOrderStatusChanged),
        ),
    });
    closers.push(() => aws.close());

    let simulator: TopSimulator | undefined;
    let topGatewayUrl = settings.topGatewayUrl;
    let aeGatewayUrl = settings.aeProtocol === 'iop' ? settings.aeGatewayUrl : undefined;
    // One simulator serves whichever gateway is not given: TOP's and AliExpress'.
    if (!topGatewayUrl || (settings.aeProtocol === 'iop' && !aeGatewayUrl)) {
      const sim = await startTopSimulator({
        appKey: settings.topAppKey,
        appSecret: settings.topAppSecret,
        sessions: Object.values(settings.sellers),
        ...settings.simTokenTtls,
        ...(settings.aeApp && { aeApp: { appKey: settings.aeApp.key, appSecret: settings.aeApp.secret } }),
        host: '127.0.0.1',
        port: settings.simPort,
        log: (line) => log(`[top-sim] ${line}`),
      });
      closers.push(() => sim.close());
      simulator = sim;
      topGatewayUrl ??= sim.url;
      if (settings.aeProtocol === 'iop') aeGatewayUrl ??= sim.aeUrl;
    }

    // The API listens before the functions load, since they read its address (the OAuth callback's) at
    // cold start; its routes reach them once loaded.
    let functions: LocalFunctions | undefined;
    const late =
      (
        name: 'wmsDelivery' | 'storefrontFulfill' | 'tracking' | 'operatorApi' | 'oauthCallback',
      ): HttpHandler =>
      (event, context) => {
        if (!functions) throw new Error('the functions are still loading');
        return functions[name](event, context);
      };
    const gateway = await startLocalGateway({
      routes: [
        ...localRoutes({
          wmsDelivery: late('wmsDelivery'),
          storefrontFulfill: late('storefrontFulfill'),
          tracking: late('tracking'),
          operatorApi: late('operatorApi'),
          oauthCallback: late('oauthCallback'),
        }),
        eventLogRoute(events),
        await openapiRoute(),
        consoleRoute,
      ],
      port: settings.port,
      log: (line) => log(`[gateway] ${line}`),
    });
    closers.push(() => gateway.close());

    // Before the import: the functions read their configuration at cold start.
    Object.assign(
      env,
      functionEnvironment(
        settings,
        {
          dynamoEndpoint: dynamo.endpoint,
          topGatewayUrl,
          aeGatewayUrl,
          awsServicesUrl: aws.url,
          refreshQueueUrl: aws.queueUrl(REFRESH_QUEUE_NAME),
          publicUrl: settings.publicUrl ?? gateway.url,
        },
        env,
      ),
    );
    functions = await (options.loadFunctions ?? loadLocalFunctions)();
    const queue = startLocalQueue({
      name: REFRESH_QUEUE_NAME,
      handler: functions.refreshWorker,
      timeoutMs: WORKER_TIMEOUT_MS,
      visibilityTimeoutMs: 6 * WORKER_TIMEOUT_MS,
    });
    closers.push(() => queue.close());
    refreshQueue = queue;

    for (const [name, handler] of [
      ['retry-sweeper', functions.retrySweeper],
      ['refresh-dispatcher', functions.refreshDispatcher],
      ['token-renewal', functions.tokenRenewal],
    ] as const) {
      const schedule = startSchedule({
        name,
        intervalMs: settings.scheduleIntervalSeconds * 1000,
        run: () =>
          invokeLambda(handler, scheduledEvent(name), {
            functionName: name,
            timeoutMs: SCHEDULED_TIMEOUT_MS,
          }),
      });
      closers.push(() => schedule.stop());
    }

    return {
      url: gateway.url,
      topGatewayUrl,
      aeGatewayUrl,
      simulator,
      dynamoEndpoint: dynamo.endpoint,
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
