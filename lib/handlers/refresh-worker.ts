import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { countTopAuthErrors } from '#lib/observability/telemetry.ts';
import type { ContainerBanClock } from '#lib/operations/ban-clock.ts';
import { topDeadlineFor } from '#lib/operations/lease.ts';
import { coalescingPublisher } from '#lib/tracking/coalescing-publisher.ts';
import type { TrackedOrder } from '#lib/tracking/order.ts';
import type { CallPacer } from '#lib/tracking/pacer.ts';
import type { RefreshMessage } from '#lib/tracking/ports.ts';
import { type RefreshDeps, type RefreshOutcome, refreshOrder } from '#lib/tracking/refresh.ts';
import { describeError } from './log-fields.ts';

export interface WorkerHandlerDeps extends RefreshDeps {
  /** TOP's rate-limit ban as this container sees it (the runtime's `ContainerBanClock`). */
  readonly ban: ContainerBanClock;
  readonly topDeadlineMs: number;
  /** Orders refreshed at once within one invocation. */
  readonly concurrency: number;
  /** Paces this container's calls to TOP; built once, shared by its invocations. */
  readonly pacer?: CallPacer | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const Message = z.object({
  logistics_order_id: z.string().check(z.minLength(1)),
  token: z.string().check(z.minLength(1)),
});

const METRICS: Record<RefreshOutcome, string> = {
  changed: 'StatusChanged',
  unchanged: 'Unchanged',
  finished: 'Finished',
  failed: 'RefreshFailed',
  banned: 'RefreshBanned',
  parked: 'Parked',
  skipped: 'Skipped',
};

/**
 * The refresh worker's Lambda handler (SQS, partial batch responses): each message is one order.
 * An order whose refresh throws (our store or event bus down) is reported as a failure, so SQS
 * delivers it again; every other outcome, failures at TOP included, is scheduled in the table.
 */
export function refreshWorkerHandler(deps: WorkerHandlerDeps) {
  const { logger, metrics } = deps;
  // The status events of orders refreshed at once leave together.
  const refreshing = { ...deps, events: coalescingPublisher(deps.events) };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const failures: { itemIdentifier: string }[] = [];
    const queue = event.Records.map((record) => ({ record, message: refreshMessage(record) }));
    // The batch's orders in one read; should it fail, each message reads its own order.
    const ids = queue.flatMap(({ message }) => (message ? [message.logistics_order_id] : []));
    const orders = await deps.tracking.getMany(ids).catch((error: unknown) => {
      logger.warn('reading the batch’s orders at once failed; each order is read on its own', {
        error: describeError(error, true),
      });
      return undefined;
    });
    const work = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { record, message } = next;
        const outcome = await refreshRecord(refreshing, record, message, context, orders).catch(
          (error: unknown) => {
            logger.error('refresh failed; SQS will deliver it again', { error: describeError(error, true) });
            failures.push({ itemIdentifier: record.messageId });
            return undefined;
          },
        );
        if (outcome) metrics.addMetric(METRICS[outcome], MetricUnit.Count, 1);
        // Parked: TOP refused the seller's session, or the seller left the secret.
        if (outcome === 'parked') countTopAuthErrors(metrics);
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency, queue.length) }, work));
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    return { batchItemFailures: failures };
  };
}

async function refreshRecord(
  deps: WorkerHandlerDeps,
  record: SQSRecord,
  message: RefreshMessage | undefined,
  context: Context,
  orders: ReadonlyMap<string, TrackedOrder | undefined> | undefined,
) {
  if (!message) {
    // Not ours to retry: a malformed message would fail the same way each time.
    deps.logger.warn('refresh message ignored: not a refresh message', { message_id: record.messageId });
    return undefined;
  }
  const deadlineMs = topDeadlineFor(deps.topDeadlineMs, context.getRemainingTimeInMillis());
  return refreshOrder(deps, message, { deadlineMs, ban: deps.ban, pacer: deps.pacer, orders });
}

/** The order a record asks to refresh; `undefined` when it is not a refresh message. */
const refreshMessage = (record: SQSRecord): RefreshMessage | undefined => {
  const parsed = Message.safeParse(safeJson(record.body));
  return parsed.success ? parsed.data : undefined;
};

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
