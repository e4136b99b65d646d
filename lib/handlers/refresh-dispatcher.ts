import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { type DispatchDeps, type DispatchReport, dispatchDueOrders } from '#lib/tracking/dispatch.ts';
import { describeError } from './log-fields.ts';

export interface DispatcherHandlerDeps extends DispatchDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The scheduled refresh dispatcher's Lambda handler. */
export function dispatcherHandler(deps: DispatcherHandlerDeps) {
  const { logger, metrics } = deps;
  return async (_event: unknown, context: Context): Promise<DispatchReport> => {
    logger.addContext(context);
    try {
      const report = await dispatchDueOrders(deps, () => context.getRemainingTimeInMillis());
      metrics.addMetric('OrdersDispatched', MetricUnit.Count, report.dispatched);
      if (report.resumed > 0) metrics.addMetric('OrdersResumed', MetricUnit.Count, report.resumed);
      if (report.dispatched > 0 || report.banned || report.resumed > 0)
        logger.info('dispatch finished', { ...report });
      return report;
    } catch (error) {
      // Claimed orders whose messages never left are due again after their lease.
      logger.error('dispatch failed', { error: describeError(error, true) });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
