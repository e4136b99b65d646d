import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fulfillOrder } from '#lib/top/apis/fulfill-order.ts';
import { TopClient } from '#lib/top/client.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import type { LocalFunctions } from '#local/functions.ts';
import { readLocalSettings } from '#local/settings.ts';
import { type LocalStack, startStack } from '#local/stack.ts';
import { driftOperationsIndex, REPAIRED_DUE_INDEX } from './index-drift.ts';

let dataDir: string;
let stack: LocalStack | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-stack-'));
});

afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

const settingsWith = (env: Record<string, string> = {}) =>
  readLocalSettings({
    PORT: '0',
    TOP_SIM_PORT: '0',
    DATA_DIR: dataDir,
    SCHEDULE_INTERVAL_SECONDS: '3600',
    ...env,
  });

/** Stand-ins for the handlers under functions/: each answers with what it was called with. */
function stubFunctions() {
  const sweeps: { event: ScheduledEvent; context: Context }[] = [];
  const functions: LocalFunctions = {
    wmsDelivery: async (event) => ({ statusCode: 202, body: event.routeKey }),
    storefrontFulfill: async (event) => ({ statusCode: 200, body: event.routeKey }),
    tracking: async (event) => ({ statusCode: 201, body: event.routeKey }),
    operatorApi: async (event, context) => ({
      statusCode: 200,
      body: `${event.routeKey} ${context.functionName}`,
    }),
    retrySweeper: async (event, context) => {
      sweeps.push({ event, context });
    },
    refreshDispatcher: async () => {},
    refreshWorker: async () => ({ batchItemFailures: [] }),
    oauthCallback: async (event) => ({ statusCode: 200, body: event.routeKey }),
    tokenRenewal: async () => {},
  };
  return { functions, sweeps };
}

/** The operations table's `due` index, as the sweeper would read it: pk and due_at, in due_at order. */
async function dueIndex(endpoint: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Items = [] } = await DynamoDBDocumentClient.from(client).send(
      new QueryCommand({
        TableName: 'operations',
        IndexName: 'due',
        KeyConditionExpression: 'due_shard = :shard',
        ExpressionAttributeValues: { ':shard': 'due' },
      }),
    );
    return Items.map((item) => ({ pk: item.pk, due_at: item.due_at }));
  } finally {
    client.destroy();
  }
}

describe('startStack', () => {
  it('sets the functions’ environment before loading them, then serves them behind the HTTP API', async () => {
    const env: Record<string, string | undefined> = { AWS_ACCESS_KEY_ID: 'mine' };
    let seenAtLoad: Record<string, string | undefined> = {};
    const { functions } = stubFunctions();

    stack = await startStack(settingsWith(), {
      env,
      log: () => {},
      loadFunctions: async () => {
        seenAtLoad = { ...env };
        return functions;
      },
    });

    expect(seenAtLoad).toMatchObject({
      OPERATIONS_TABLE: 'operations',
      DYNAMODB_ENDPOINT: stack.dynamoEndpoint,
      TOP_GATEWAY_URL: stack.simulator?.url,
      AE_GATEWAY_URL: stack.simulator?.aeUrl,
      AE_PROTOCOL: 'iop',
      TOP_APP_KEY: '12345678',
      TOP_APP_SECRET: 'local-top-app-secret',
      TOP_SESSION: 'shop-1=local-seller-session',
      TOP_SIGN_METHOD: 'hmac-sha256',
      RETRY_BASE_SECONDS: '2',
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'mine',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const answers = await Promise.all(
      [
        ['POST', '/webhooks/wms/delivery-orders'],
        ['POST', '/webhooks/storefront/fulfillments'],
        ['GET', '/operations/op-1'],
        ['POST', '/operations/op-1/replay'],
      ].map(async ([method, path]) => (await fetch(`${stack?.url}${path}`, { method })).text()),
    );
    expect(answers).toEqual([
      'POST /webhooks/wms/delivery-orders',
      'POST /webhooks/storefront/fulfillments',
      'GET /operations/{id} operator-api',
      'POST /operations/{id}/replay operator-api',
    ]);
  });

  it('creates the operations table in dynalite, under DATA_DIR', async () => {
    stack = await startStack(settingsWith(), {
      env: {},
      log: () => {},
      loadFunctions: async () => stubFunctions().functions,
    });
    const client = new DynamoDBClient({
      endpoint: stack.dynamoEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'operations' }));
    client.destroy();

    expect(Table?.TableStatus).toBe('ACTIVE');
    await expect(startStack(settingsWith(), { env: {}, log: () => {} })).rejects.toThrow(/in use by process/);
  });

  it('repairs the operations table’s drifted due index before the functions load, and logs what it repaired', async () => {
    await driftOperationsIndex(join(dataDir, 'dynamodb'), 'operations');
    const env: Record<string, string | undefined> = {};
    const lines: string[] = [];
    let indexAtLoad: unknown;

    stack = await startStack(settingsWith(), {
      env,
      log: (line) => lines.push(line),
      loadFunctions: async () => {
        indexAtLoad = await dueIndex(env.DYNAMODB_ENDPOINT ?? '');
        return stubFunctions().functions;
      },
    });

    expect(indexAtLoad).toEqual(REPAIRED_DUE_INDEX);
    expect(lines.filter((line) => line.startsWith('[dynamo] '))).toEqual([
      '[dynamo] repaired operations.due: 1 missing entry restored, 3 orphans removed',
    ]);
    await stack.close();
    lines.length = 0;
    stack = await startStack(settingsWith(), {
      env: {},
      log: (line) => lines.push(line),
      loadFunctions: async () => stubFunctions().functions,
    });
    expect(lines.filter((line) => line.startsWith('[dynamo] '))).toEqual([]);
  });

  it('runs the simulator with every seller’s session', async () => {
    const settings = settingsWith({ TOP_SESSION: 'shop-1=s-one,shop-2=s-two' });
    stack = await startStack(settings, {
      env: {},
      log: () => {},
      loadFunctions: async () => stubFunctions().functions,
    });
    const client = new TopClient({ gatewayUrl: stack.topGatewayUrl, aeGatewayUrl: stack.aeGatewayUrl });

    const results = await Promise.all(
      ['s-one', 's-two'].map((session, index) =>
        fulfillOrder(
          client,
          { appKey: settings.topAppKey, appSecret: settings.topAppSecret, session },
          { service_name: 'EMS', out_ref: `70${index}`, send_type: 'all', logistics_no: `LA70${index}CN` },
        ),
      ),
    );

    // While the simulator still runs: its sockets then close at once.
    await closeGatewayPools();
    expect(results.map(({ response }) => response.result?.result_success)).toEqual([true, true]);
  });

  it('uses TOP_GATEWAY_URL and AE_GATEWAY_URL instead of the simulator when both are set', async () => {
    const env: Record<string, string | undefined> = {};
    const gatewayUrl = 'https://eco.taobao.com/router/rest';
    const aeUrl = 'https://api-sg.aliexpress.com';

    stack = await startStack(settingsWith({ TOP_GATEWAY_URL: gatewayUrl, AE_GATEWAY_URL: aeUrl }), {
      env,
      log: () => {},
      loadFunctions: async () => stubFunctions().functions,
    });

    expect(stack.simulator).toBeUndefined();
    expect([stack.topGatewayUrl, env.TOP_GATEWAY_URL]).toEqual([gatewayUrl, gatewayUrl]);
    expect([stack.aeGatewayUrl, env.AE_GATEWAY_URL]).toEqual([aeUrl, aeUrl]);
  });

  it('lets the simulator stand in for the gateway that is not given', async () => {
    const env: Record<string, string | undefined> = {};
    const gatewayUrl = 'https://eco.taobao.com/router/rest';

    stack = await startStack(settingsWith({ TOP_GATEWAY_URL: gatewayUrl }), {
      env,
      log: () => {},
      loadFunctions: async () => stubFunctions().functions,
    });

    expect(env.TOP_GATEWAY_URL).toBe(gatewayUrl);
    expect(env.AE_GATEWAY_URL).toBe(stack.simulator?.aeUrl);
  });

  it('calls AliExpress over the TOP gateway with AE_PROTOCOL=top, giving no AE_GATEWAY_URL', async () => {
    const env: Record<string, string | undefined> = {};
    stack = await startStack(settingsWith({ AE_PROTOCOL: 'top' }), {
      env,
      log: () => {},
      loadFunctions: async () => stubFunctions().functions,
    });

    expect([env.AE_PROTOCOL, env.AE_GATEWAY_URL, stack.aeGatewayUrl]).toEqual(['top', undefined, undefined]);
  });

  it('invokes the retry sweeper on the schedule with a scheduled event and its own context', async () => {
    const { functions, sweeps } = stubFunctions();

    stack = await startStack(settingsWith({ SCHEDULE_INTERVAL_SECONDS: '0.05' }), {
      env: {},
      log: () => {},
      loadFunctions: async () => functions,
    });
    await vi.waitFor(() => expect(sweeps.length).toBeGreaterThanOrEqual(2), { timeout: 2_000 });

    const [first] = sweeps;
    expect(first?.event).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events' });
    expect(first?.context.functionName).toBe('retry-sweeper');
    expect(first?.context.getRemainingTimeInMillis()).toBeGreaterThan(50_000);
  });

  it('stops everything on close: no more requests, no more sweeps, the data folder released', async () => {
    const { functions, sweeps } = stubFunctions();
    const current = await startStack(settingsWith({ SCHEDULE_INTERVAL_SECONDS: '0.02' }), {
      env: {},
      log: () => {},
      loadFunctions: async () => functions,
    });
    await vi.waitFor(() => expect(sweeps.length).toBeGreaterThan(0));

    await current.close();
    const sweepsAtClose = sweeps.length;
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(sweeps).toHaveLength(sweepsAtClose);
    await expect(fetch(`${current.url}/operations/op-1`)).rejects.toThrow();
    stack = await startStack(settingsWith(), {
      env: {},
      log: () => {},
      loadFunctions: async () => functions,
    });
  });

  it('closes what it started when a function fails to load', async () => {
    const failure = new Error('cold start failed');

    await expect(
      startStack(settingsWith(), {
        env: {},
        log: () => {},
        loadFunctions: async () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);

    stack = await startStack(settingsWith(), {
      env: {},
      log: () => {},
      loadFunctions: async () => stubFunctions().functions,
    });
  });
});
