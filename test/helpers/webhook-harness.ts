import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { vi } from 'vitest';
import { loadConfig } from '#lib/config/config.ts';
import { storefrontFulfillFlow } from '#lib/flows/storefront-fulfill.ts';
import { wmsDeliveryFlow } from '#lib/flows/wms-delivery.ts';
import { operatorHandler } from '#lib/handlers/operator.ts';
import { sweeperHandler } from '#lib/handlers/sweeper.ts';
import { type HttpHandler, webhookHandler } from '#lib/handlers/webhook.ts';
import type { SweepReport } from '#lib/operations/sweep.ts';
import { buildRuntime, type Runtime, type RuntimeOverrides } from '#lib/runtime/runtime.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { TOP_APIS } from '#lib/top/apis/index.ts';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { createLambdaContext } from '#local/lambda/context.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';
import type { TestDynamo } from './dynamo.ts';
import { TEST_APP } from './top-sim.ts';

export const WMS_SECRET = `whsec_${Buffer.from('test-wms-webhook-secret-000001').toString('base64')}`;
export const STOREFRONT_SECRET = `whsec_${Buffer.from('test-storefront-webhook-secret-1').toString('base64')}`;

export const WMS_ROUTE = 'POST /webhooks/wms/delivery-orders';
export const STOREFRONT_ROUTE = 'POST /webhooks/storefront/fulfillments';

/** A delivery order the simulator accepts; fields override. */
export const deliveryOrder = (overrides: Record<string, unknown> = {}) => ({
  ticket_id: 'T42353535',
  status: 'PACK_FINISH',
  length: 45,
  width: 64,
  height: 34,
  weight: 2300,
  ...overrides,
});

/** A fulfilment the simulator accepts; fields override. */
export const fulfillment = (overrides: Record<string, unknown> = {}) => ({
  out_ref: '888877779999',
  service_name: 'EMS',
  send_type: 'part',
  logistics_no: 'LA88887777CN',
  ...overrides,
});

export interface DeliveryOptions {
  readonly id?: string;
  readonly idempotencyKey?: string;
  /** Signing time, unix seconds; default the harness clock. */
  readonly timestamp?: number;
  readonly secret?: string | null;
  readonly contentType?: string;
  readonly base64?: boolean;
}

let deliveries = 0;

/**
 * The webhook, operator and sweeper handlers over real local parts: dynalite, the TOP simulator
 * over HTTP, secrets from the environment; one fresh operations table per harness. The clock of
 * the store and the retry schedule is `clock.now`, so a test moves time instead of waiting.
 */
export async function webhookHarness(
  dynamo: TestDynamo,
  sim: TopSimulator,
  options: { env?: Record<string, string>; overrides?: RuntimeOverrides; service?: string } = {},
) {
  const clock = { now: Date.now() };
  const tableName = await dynamo.createOperationsTable();
  const env = {
    OPERATIONS_TABLE: tableName,
    TOP_GATEWAY_URL: sim.url,
    AE_GATEWAY_URL: sim.origin,
    TOP_APP_KEY: TEST_APP.appKey,
    TOP_APP_SECRET: TEST_APP.appSecret,
    TOP_SESSION: `shop-1=${TEST_APP.session}`,
    WMS_WEBHOOK_SECRET: WMS_SECRET,
    STOREFRONT_WEBHOOK_SECRET: STOREFRONT_SECRET,
    RETRY_BASE_SECONDS: '10',
    RETRY_MAX_SECONDS: '60',
    TOP_DEADLINE_MS: '2000',
    ...options.env,
  };
  const config = loadConfig(env, { webhookSources: ['wms', 'storefront'] });
  const runtime: Runtime = buildRuntime(
    config,
    options.service ?? 'test',
    {
      dynamodb: dynamo.client,
      now: () => clock.now,
      ...options.overrides,
    },
    { sellers: buildSellerParts },
  );
  const handlers: Record<string, HttpHandler> = {
    [WMS_ROUTE]: webhookHandler(wmsDeliveryFlow, { ...runtime, verifier: runtime.verifier('wms') }),
    [STOREFRONT_ROUTE]: webhookHandler(storefrontFulfillFlow, {
      ...runtime,
      verifier: runtime.verifier('storefront'),
    }),
  };
  const operator = operatorHandler({ ...runtime, apis: TOP_APIS });
  const { batchSize, concurrency, topDeadlineMs } = config.sweep;
  const sweeper = sweeperHandler({ ...runtime, apis: TOP_APIS, batchSize, concurrency, topDeadlineMs });
  const context = (timeoutMs = 30_000) => createLambdaContext({ functionName: 'test', timeoutMs });

  /** Posts a signed delivery to a webhook route; `body` may be a value or raw text. */
  async function deliver(routeKey: string, body: unknown, delivery: DeliveryOptions = {}) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const id = delivery.id ?? `msg_${++deliveries}_${Math.random().toString(36).slice(2)}`;
    const secret =
      delivery.secret === undefined
        ? routeKey === WMS_ROUTE
          ? WMS_SECRET
          : STOREFRONT_SECRET
        : delivery.secret;
    const timestamp = delivery.timestamp ?? Math.floor(clock.now / 1000);
    const signed = secret ? signWebhook({ id, timestamp, body: raw, secret }) : {};
    const headers: Record<string, string> = {
      'content-type': delivery.contentType ?? 'application/json',
      ...signed,
      ...(delivery.idempotencyKey && { 'idempotency-key': delivery.idempotencyKey }),
    };
    const event = httpEvent(routeKey, raw, headers, delivery.base64);
    const handler = handlers[routeKey];
    if (!handler) throw new Error(`no handler for ${routeKey}`);
    return readResult(await handler(event, context()));
  }

  return {
    clock,
    config,
    runtime,
    tableName,
    deliver,
    deliverWms: (body: unknown, delivery?: DeliveryOptions) => deliver(WMS_ROUTE, body, delivery),
    deliverStorefront: (body: unknown, delivery?: DeliveryOptions) =>
      deliver(STOREFRONT_ROUTE, body, delivery),
    /** One run of the retry sweeper, as the schedule would start it. */
    sweep: (): Promise<SweepReport> => sweeper({}, context(60_000)),
    getOperation: async (id: string) =>
      readResult(await operator(httpEvent('GET /operations/{id}', undefined, {}, false, { id }), context())),
    replay: async (id: string) =>
      readResult(
        await operator(httpEvent('POST /operations/{id}/replay', undefined, {}, false, { id }), context()),
      ),
    /** Every item in the table (a test's look behind the store; the code never scans). */
    items: async () => (await dynamo.client.send(new ScanCommand({ TableName: tableName }))).Items ?? [],
  };
}

export type WebhookHarness = Awaited<ReturnType<typeof webhookHarness>>;

export function httpEvent(
  routeKey: string,
  body: string | undefined,
  headers: Record<string, string>,
  base64 = false,
  pathParameters?: Record<string, string>,
): APIGatewayProxyEventV2 {
  const [method = 'POST', path = '/'] = routeKey.split(' ');
  const rawPath = pathParameters
    ? path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters[name] ?? '')
    : path;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers,
    ...(pathParameters && { pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req',
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined && {
      body: base64 ? Buffer.from(body).toString('base64') : body,
    }),
    isBase64Encoded: base64,
  };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly raw: string;
}

function readResult(result: APIGatewayProxyStructuredResultV2): HttpResult {
  const raw = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
    raw,
  };
}

/** What is written to stdout until `restore`, line by line: Powertools logs INFO and metrics there. */
export const captureStdout = () => captureLines(process.stdout);

/** What is written to stderr until `restore`, line by line: Powertools logs WARN and ERROR there. */
export const captureStderr = () => captureLines(process.stderr);

function captureLines(stream: NodeJS.WriteStream): { lines: () => string[]; restore: () => void } {
  const lines: string[] = [];
  const spy = vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  return { lines: () => lines, restore: () => spy.mockRestore() };
}

/** A logger that prints at INFO whatever the test environment says, and metrics that print. */
export function loudTelemetry(service: string) {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  return {
    logger: new Logger({ serviceName: service, logLevel: 'INFO' }),
    metrics: new Metrics({ namespace: 'TopWebhooks', serviceName: service }),
  };
}
