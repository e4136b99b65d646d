import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { topDeadlineFor } from '#lib/operations/lease.ts';
import type { SellerRegistry } from '#lib/sellers/registry.ts';
import { type RenewalDeps, type RenewalReport, renewDueSellers } from '#lib/sellers/renew.ts';
import { describeError } from './log-fields.ts';

export interface TokenRenewalHandlerDeps extends Omit<RenewalDeps, 'log' | 'registry'> {
  readonly registry: RenewalDeps['registry'] & Pick<SellerRegistry, 'counts'>;
  /** Budget of one refresh call. */
  readonly topDeadlineMs: number;
  /** Sellers looked at per run, and at once. */
  readonly batchSize: number;
  readonly concurrency: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** What a run did to each seller it looked at, and how many sellers must authorize again (soon, or now). */
export interface TokenRenewalResult {
  readonly outcomes: RenewalReport;
  readonly sellersReauthorizeSoon: number;
  readonly sellersReauthorize: number;
}

// A refresh's new tokens must still be written once it answers: losing them costs an authorization.
const SECRET_WRITE_RESERVE_MS = 3_000;
// Held past the invocation's end: no one takes a seller over while this run may still write it.
const LEASE_MARGIN_MS = 30_000;

/**
 * The scheduled token renewal: renews each seller whose access token is past half its life, and
 * publishes how many sellers must authorize again (`SellersReauthorizeSoon`, `SellersReauthorize`),
 * which the alarms watch.
 */
export function tokenRenewalHandler(deps: TokenRenewalHandlerDeps) {
  const { logger, metrics } = deps;
  return async (_event: unknown, context: Context): Promise<TokenRenewalResult> => {
    logger.addContext(context);
    try {
      const report = await renewDueSellers(
        { ...deps, log: logger },
        {
          // The shared rule, with room kept besides for the secret's write after a refresh.
          deadlineMs: topDeadlineFor(
            deps.topDeadlineMs,
            context.getRemainingTimeInMillis() - SECRET_WRITE_RESERVE_MS,
          ),
          leaseMs: context.getRemainingTimeInMillis() + LEASE_MARGIN_MS,
          limit: deps.batchSize,
          concurrency: deps.concurrency,
        },
      );
      const counts = await deps.registry.counts();
      metrics.addMetric('TokensRenewed', MetricUnit.Count, report.renewed);
      metrics.addMetric('TokenRenewalsFailed', MetricUnit.Count, report.failed);
      metrics.addMetric('SellersTurnedReauthorize', MetricUnit.Count, report.reauthorize);
      metrics.addMetric('SellersReauthorizeSoon', MetricUnit.Count, counts.reauthorizeSoon);
      metrics.addMetric('SellersReauthorize', MetricUnit.Count, counts.reauthorize);
      const result = {
        outcomes: report,
        sellersReauthorizeSoon: counts.reauthorizeSoon,
        sellersReauthorize: counts.reauthorize,
      };
      if (report.renewed + report.failed + report.reauthorize + report.removed > 0)
        logger.info('token renewal finished', {
          ...report,
          sellers_reauthorize_soon: counts.reauthorizeSoon,
          sellers_reauthorize: counts.reauthorize,
        });
      return result;
    } catch (error) {
      // Sellers not looked at stay due: the next run takes them up.
      logger.error('token renewal failed', { error: describeError(error, true) });
      throw error;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
