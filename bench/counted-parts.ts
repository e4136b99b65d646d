// What the request counts of `npm run bench -- requests` (P6) run on, in this process: dynalite in
// memory behind a client that names each request it sends, the simulator as TOP, the environment
// the functions read, and telemetry that prints nothing over the figures.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type CountedDynamoDB, countedDynamoDB } from '#local/counted-dynamodb.ts';
import { ensureTable, startLocalDynamo, type TableDefinition } from '#local/dynamo.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import { startTopSimulator, type TopSimulator } from '#local/top-sim/server.ts';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';

export interface CountedParts extends CountedDynamoDB {
  readonly sim: TopSimulator;
  /** The functions' variables for these parts: tables, gateways, keys, sessions, webhook secrets. */
  readonly env: Record<string, string>;
  /** Overrides for `buildRuntime`: the counted client, and a logger and metrics that print nothing. */
  readonly overrides: {
    readonly dynamodb: DynamoDBClient;
    readonly logger: Logger;
    readonly metrics: Metrics;
  };
  close(): Promise<void>;
}

/** Starts the parts, with each of `tables` (name → definition) created. */
export async function startCountedParts(tables: Record<string, TableDefinition>): Promise<CountedParts> {
  const dynamo = await startLocalDynamo();
  const sim = await startTopSimulator({
    appKey: SIM_DEFAULTS.appKey,
    appSecret: SIM_DEFAULTS.appSecret,
    sessions: [SIM_DEFAULTS.session],
  });
  const counted = countedDynamoDB(dynamo.endpoint);
  const { client } = counted;
  for (const [name, definition] of Object.entries(tables)) await ensureTable(client, name, definition);
  return {
    client,
    sent: counted.sent,
    rounds: counted.rounds,
    reset: counted.reset,
    sim,
    env: {
      TOP_GATEWAY_URL: sim.url,
      AE_GATEWAY_URL: sim.aeUrl,
      TOP_APP_KEY: SIM_DEFAULTS.appKey,
      TOP_APP_SECRET: SIM_DEFAULTS.appSecret,
      TOP_SESSION: `shop-1=${SIM_DEFAULTS.session}`,
      WMS_WEBHOOK_SECRET: LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET,
      STOREFRONT_WEBHOOK_SECRET: LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET,
    },
    overrides: {
      dynamodb: client,
      logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
      metrics: silentMetrics(),
    },
    async close() {
      client.destroy();
      await sim.close();
      await dynamo.close();
    },
  };
}

/** Metrics that publish nothing: Powertools reads whether they are disabled when they are built. */
function silentMetrics(): Metrics {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  try {
    return new Metrics({ namespace: 'bench', serviceName: 'bench' });
  } finally {
    if (before === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = before;
  }
}
