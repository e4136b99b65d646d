// P6 in `npm run bench`, for the refresh: the DynamoDB requests the worker makes per refreshed order,
// counted on the wire of the client its handler is built on. The worker handler runs in this
// process, with dynalite and the simulator, fed in SQS batches of 10 as the event source feeds it.
import type { Context, SQSEvent } from 'aws-lambda';
import { loadConfig } from '#lib/config/config.ts';
import { refreshWorkerHandler } from '#lib/handlers/refresh-worker.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { buildTrackingRuntime } from '#lib/runtime/tracking-runtime.ts';
import { dispatchDueOrders } from '#lib/tracking/dispatch.ts';
import type { LogisticsOrderStatusChanged, RefreshMessage } from '#lib/tracking/ports.ts';
import { logisticsOrdersTableDefinition } from '#lib/tracking/table.ts';
import { createLambdaContext } from '#local/lambda/context.ts';
import { startCountedParts } from './counted-parts.ts';
import { fmt } from './harness.ts';

const ORDERS = 100;
// What the SQS event source hands one invocation (the stack's batch size).
const BATCH = 10;

/**
 * DynamoDB requests per order the refresh worker refreshes: 100 tracked orders, dispatched, then
 * refreshed by the worker handler in batches of 10. Only the worker's requests are counted (the
 * dispatcher's claims, one write per order, are printed beside them). Printed, and returned.
 */
export async function refreshRequestsPerOrder(): Promise<number> {
  const parts = await startCountedParts({
    operations: operationsTableDefinition,
    'logistics-orders': logisticsOrdersTableDefinition,
  });
  const { sent, sim } = parts;
  try {
    const config = loadConfig(
      { ...parts.env, OPERATIONS_TABLE: 'operations', LOGISTICS_ORDERS_TABLE: 'logistics-orders' },
      { tracking: [] },
    );
    const runtime = buildTrackingRuntime(config, 'bench', parts.overrides, { sellers: buildSellerParts });
    const { tracking, trackingConfig } = runtime;
    const now = Date.now();
    for (let i = 0; i < ORDERS; i++) {
      await tracking.register({
        logistics_order_id: `BPREQ${String(i).padStart(4, '0')}`,
        seller_id: 'shop-1',
        created_at: now,
        history: [],
        unchanged_refreshes: 0,
        next_refresh_at: now,
      });
    }

    parts.reset();
    const messages: RefreshMessage[] = [];
    await dispatchDueOrders(
      {
        ...runtime,
        queue: { send: async (batch) => void messages.push(...batch) },
        schedule: trackingConfig.schedule,
        pageSize: trackingConfig.pageSize,
      },
      () => 60_000,
    );
    const dispatchRequests = sent.length;

    parts.reset();
    const published: LogisticsOrderStatusChanged[] = [];
    const worker = refreshWorkerHandler({
      ...runtime,
      events: { publish: async (events) => void published.push(...events) },
      schedule: trackingConfig.schedule,
      concurrency: trackingConfig.concurrency,
    });
    for (let i = 0; i < messages.length; i += BATCH) {
      const response = await worker(sqsEvent(messages.slice(i, i + BATCH), i), context());
      if (response.batchItemFailures.length > 0) throw new Error('the refresh worker failed a message');
    }
    if (sim.ledger.length !== ORDERS || published.length !== ORDERS) {
      throw new Error(`expected ${ORDERS} orders refreshed, TOP saw ${sim.ledger.length}`);
    }
    const perOrder = sent.length / ORDERS;
    const kinds = [...new Set(sent)].map((kind) => `${kind} ${sent.filter((each) => each === kind).length}`);
    console.log(
      `\nRefresh worker: ${fmt(perOrder, 2)} DynamoDB requests per refreshed order ` +
        `(${ORDERS} orders in batches of ${BATCH}: ${kinds.join(', ')}); ` +
        `the dispatcher's ${fmt(dispatchRequests / ORDERS, 2)} per order besides (its claims)`,
    );
    return perOrder;
  } finally {
    await parts.close();
  }
}

const context = (): Context => createLambdaContext({ functionName: 'refresh-worker', timeoutMs: 60_000 });

const sqsEvent = (messages: readonly RefreshMessage[], first: number): SQSEvent => ({
  Records: messages.map((message, i) => ({
    messageId: `bench-${first + i}`,
    receiptHandle: `bench-${first + i}`,
    body: JSON.stringify(message),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:refresh',
    awsRegion: 'local',
  })),
});
