import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '#lib/config/config.ts';
import { operatorHandler } from '#lib/handlers/operator.ts';
import { dispatcherHandler } from '#lib/handlers/refresh-dispatcher.ts';
import { refreshWorkerHandler } from '#lib/handlers/refresh-worker.ts';
import { trackingHandler } from '#lib/handlers/tracking.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { eventBridgeStatusPort } from '#lib/runtime/eventbridge-status-port.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { sqsRefreshQueuePort } from '#lib/runtime/sqs-refresh-queue-port.ts';
import { buildTrackingRuntime, type TrackingOverrides } from '#lib/runtime/tracking-runtime.ts';
import { TOP_APIS } from '#lib/top/apis/index.ts';
import { CallPacer } from '#lib/tracking/pacer.ts';
import type { RefreshQueue } from '#lib/tracking/ports.ts';
import { logisticsOrdersTableDefinition } from '#lib/tracking/table.ts';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { openEventLog } from '#local/event-log.ts';
import { createLambdaContext } from '#local/lambda/context.ts';
import { localRefreshQueue, startLocalQueue } from '#local/queue.ts';
import type { TestParts } from './test-parts.ts';
import { TEST_APP } from './top-sim.ts';
import { httpEvent, STOREFRONT_SECRET, WMS_SECRET } from './webhook-harness.ts';

export const TRACKING_ROUTE = 'POST /webhooks/storefront/logistics-orders';

let tables = 0;

/**
 * The refresh over real local parts: dynalite (operations and logistics-orders tables), the TOP
 * simulator over HTTP, the in-process queue feeding the worker handler, the event log. The store's
 * clock is `clock.now`: a test moves it to make orders due.
 */
export async function trackingHarness(
  parts: TestParts,
  options: {
    env?: Record<string, string>;
    overrides?: TrackingOverrides;
    queue?: { maxConcurrency?: number };
  } = {},
) {
  const clock = { now: Date.now() };
  const suffix = ++tables;
  const operationsTable = `operations-t${suffix}`;
  const ordersTable = `logistics-orders-${suffix}`;
  await parts.dynamo.client.send(
    new CreateTableCommand({ TableName: operationsTable, ...operationsTableDefinition }),
  );
  await parts.dynamo.client.send(
    new CreateTableCommand({ TableName: ordersTable, ...logisticsOrdersTableDefinition }),
  );
  const config = loadConfig(
    {
      OPERATIONS_TABLE: operationsTable,
      LOGISTICS_ORDERS_TABLE: ordersTable,
      TOP_GATEWAY_URL: parts.sim.url,
      AE_GATEWAY_URL: parts.sim.origin,
      TOP_APP_KEY: TEST_APP.appKey,
      TOP_APP_SECRET: TEST_APP.appSecret,
      TOP_SESSION: `shop-1=${TEST_APP.session}`,
      WMS_WEBHOOK_SECRET: WMS_SECRET,
      STOREFRONT_WEBHOOK_SECRET: STOREFRONT_SECRET,
      REFRESH_INTERVAL_SECONDS: '60',
      REFRESH_MAX_INTERVAL_SECONDS: '600',
      REFRESH_LEASE_SECONDS: '120',
      TOP_DEADLINE_MS: '2000',
      ...options.env,
    },
    { webhookSources: ['storefront'], tracking: [] },
  );
  const runtime = buildTrackingRuntime(
    config,
    'tracking-test',
    {
      dynamodb: parts.dynamo.client,
      now: () => clock.now,
      ...options.overrides,
    },
    { sellers: buildSellerParts, queue: sqsRefreshQueuePort, events: eventBridgeStatusPort },
  );
  const tracking = config.tracking;
  if (!tracking) throw new Error('no tracking config');
  const events = await openEventLog();
  const worker = refreshWorkerHandler({
    ...runtime,
    events: events.publisher,
    schedule: tracking.schedule,
    concurrency: tracking.concurrency,
    pacer: tracking.callsPerSecond > 0 ? new CallPacer(tracking.callsPerSecond) : undefined,
  });
  const queue = startLocalQueue({
    name: 'refresh',
    handler: worker,
    visibilityTimeoutMs: 30_000,
    ...(options.queue?.maxConcurrency && { maxConcurrency: options.queue.maxConcurrency }),
  });
  const dispatcherFor = (refreshQueue: RefreshQueue) =>
    dispatcherHandler({
      ...runtime,
      queue: refreshQueue,
      schedule: tracking.schedule,
      pageSize: tracking.pageSize,
    });
  const dispatcher = dispatcherFor(localRefreshQueue(queue));
  const register = trackingHandler({ ...runtime, verifier: runtime.verifier('storefront') });
  const operator = operatorHandler({ ...runtime, apis: TOP_APIS });
  const context = (timeoutMs = 60_000) => createLambdaContext({ functionName: 'test', timeoutMs });

  return {
    clock,
    runtime,
    events,
    queue,
    /** Signs and posts a tracking request; `body` may be a value or raw text; `headers` go on top. */
    async track(
      body: unknown,
      secret: string | null = STOREFRONT_SECRET,
      headers: Record<string, string> = {},
    ) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const signed = secret
        ? signWebhook({
            id: `msg_t_${Math.random()}`,
            timestamp: Math.floor(clock.now / 1000),
            body: raw,
            secret,
          })
        : {};
      const result = await register(
        httpEvent(TRACKING_ROUTE, raw, { 'content-type': 'application/json', ...signed, ...headers }),
        context(),
      );
      return {
        status: result.statusCode ?? 200,
        headers: result.headers ?? {},
        body: JSON.parse(result.body ?? '{}'),
      };
    },
    /** One dispatcher run, then waits until the workers have taken every message. */
    async round() {
      // The dispatcher gets Lambda's longest timeout: a round is one run, however many orders.
      const report = await dispatcher({}, context(900_000));
      await queue.drained();
      return report;
    },
    /** A dispatcher run whose messages go to `refreshQueue` instead of the workers. */
    dispatchTo: (refreshQueue: RefreshQueue) => dispatcherFor(refreshQueue)({}, context()),
    async view(id: string) {
      const result = await operator(
        httpEvent('GET /logistics-orders/{id}', undefined, {}, false, { id }),
        context(),
      );
      return {
        status: result.statusCode ?? 200,
        body: JSON.parse(result.body ?? '{}') as Record<string, unknown>,
      };
    },
    async close() {
      await queue.close();
      await events.close();
    },
  };
}

export type TrackingHarness = Awaited<ReturnType<typeof trackingHarness>>;
