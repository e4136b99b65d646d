import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ErrorOutcome } from '#lib/errors/problem-error.ts';
import type { Operation, OperationStatus } from '#lib/operations/operation.ts';

export const METRICS_NAMESPACE = 'TopWebhooks';

/** JSON log lines to stdout (CloudWatch in AWS); one logger per function, built at module scope. */
export const createLogger = (serviceName: string): Logger => new Logger({ serviceName });

/** CloudWatch metrics in the embedded metric format; one instance per function. */
export const createMetrics = (serviceName: string): Metrics =>
  new Metrics({ namespace: METRICS_NAMESPACE, serviceName });

/** What became of one request or attempt; each has its own metric. */
export type Outcome =
  | 'delivered'
  | 'pending_retry'
  | 'rejected'
  | 'stale'
  | 'duplicate'
  | 'dead'
  | 'replayed'
  | 'tracked'
  | ErrorOutcome;

const METRIC_NAMES: Record<Outcome, string> = {
  delivered: 'Delivered',
  pending_retry: 'PendingRetry',
  rejected: 'RejectedByTop',
  stale: 'Stale',
  duplicate: 'Duplicate',
  dead: 'Dead',
  replayed: 'Replayed',
  tracked: 'Tracked',
  invalid: 'Invalid',
  unauthorized: 'Unauthorized',
  not_found: 'NotFound',
  conflict: 'Conflict',
  in_flight: 'InFlight',
  key_reused: 'KeyReused',
  unknown_seller: 'UnknownSeller',
  unavailable: 'Unavailable',
  error: 'Error',
};

export const metricName = (outcome: Outcome): string => METRIC_NAMES[outcome];

/** The outcome an operation's status stands for. */
export function outcomeOf(status: OperationStatus): Outcome {
  switch (status) {
    case 'SUCCEEDED':
      return 'delivered';
    case 'FAILED':
      return 'rejected';
    case 'STALE':
      return 'stale';
    case 'DUPLICATE':
      return 'duplicate';
    case 'DEAD':
      return 'dead';
    default:
      return 'pending_retry';
  }
}

export function countOutcome(metrics: Metrics, outcome: Outcome, count = 1): void {
  metrics.addMetric(METRIC_NAMES[outcome], MetricUnit.Count, count);
}

/**
 * TOP refused our credentials (26/27/44, after the one refetch) or they could not be read: an
 * operator must rotate the app key or a seller's session. Alarmed on in every function.
 */
export const TOP_AUTH_ERROR_METRIC = 'TopAuthError';

export function countTopAuthErrors(metrics: Metrics, count = 1): void {
  if (count > 0) metrics.addMetric(TOP_AUTH_ERROR_METRIC, MetricUnit.Count, count);
}

/** The attempt that settled `operation` ended on the TOP credentials. */
export const endedOnAuthError = (operation: Pick<Operation, 'status' | 'last_error'>): boolean =>
  operation.status !== 'SUCCEEDED' && operation.last_error?.kind === 'auth';
