import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { countOutcome, countTopAuthErrors, outcomeOf } from '#lib/observability/telemetry.ts';
import type { OperationStatus } from '#lib/operations/operation.ts';
import { type SweepDeps, type SweepReport, sweepDueOperations } from '#lib/operations/sweep.ts';
import { describeError } from './log-fields.ts';

export interface SweeperHandlerDeps extends SweepDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The scheduled retry sweeper's Lambda handler; the schedule's event carries nothing it needs. */
export function sweeperHandler(deps: SweeperHandlerDeps) {
  const { logger, metrics } = deps;
  return async (_event: unknown, context: Context): Promise<SweepReport> => {
    logger.addContext(context);
    try {
      const report = await sweepDueOperations(deps, () => context.getRemainingTimeInMillis());
      for (const [status, count] of Object.entries(report.outcomes)) {
        countOutcome(metrics, outcomeOf(status as OperationStatus), count);
      }
      countTopAuthErrors(metrics, report.authErrors);
      if (report.attempted > 0 || report.banned) logger.info('sweep finished', { ...report });
      return report;
    } catch (error) {
      // Whatever was not settled stays due in the index: the next run takes it up.
      logger.error('sweep failed', { error: describeError(error, true) });
      throw error;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
