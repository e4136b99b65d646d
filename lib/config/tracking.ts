import type { Environment, Problems } from './environment.ts';

/** How often tracked orders are refreshed. */
export interface RefreshSchedule {
  /** After a change, the next refresh comes this soon. */
  readonly intervalMs: number;
  /** Orders that stop changing are refreshed less often, up to this. */
  readonly maxIntervalMs: number;
  /** How long a dispatched order is held for its worker before it is due again. */
  readonly leaseMs: number;
  /** How long a finished order's snapshot is kept. */
  readonly retentionMs: number;
}

/** The order-detail refresh's section of the config. */
export interface TrackingConfig {
  readonly table: string;
  readonly schedule: RefreshSchedule;
  /** SQS queue the dispatcher fills (its URL is also where the SDK sends, locally too). */
  readonly queueUrl: string | undefined;
  /** EventBridge bus for LogisticsOrderStatusChanged; an endpoint only for local runs. */
  readonly eventBusName: string | undefined;
  readonly eventBridgeEndpoint: string | undefined;
  /** Due orders read per page by the dispatcher. */
  readonly pageSize: number;
  /** Orders one worker invocation refreshes at once: enough to keep its pace (pace × a call's time). */
  readonly concurrency: number;
  /**
   * Calls a worker container makes to TOP in any second at most, bursts included; 0 = unpaced.
   * Times the containers at once, the refresh's budget: see {@link refreshCallsPerSecond}.
   */
  readonly callsPerSecond: number;
}

/**
 * The share of the platform's calls-per-second limit the refresh's workers may use together. The
 * rest is the margin for the way to the gateway: calls paced apart in a worker can reach it closer
 * together (a late packet, a busy moment of the worker or of the gateway), and its limiter counts
 * them as they arrive. 5%: 10 calls of a 200 calls/s limit, about 50 ms of such jitter.
 */
export const REFRESH_BUDGET_SHARE = 0.95;

/**
 * Each worker container's pace (`REFRESH_CALLS_PER_SECOND`) under a platform limit: the budget,
 * {@link REFRESH_BUDGET_SHARE} of the limit less what the app's other calls need at their peak
 * (`reservedPerSecond`: the webhooks share the limit), divided among the containers that run at once (the
 * SQS event source's maximum concurrency in AWS; 1 for the local stack, whose invocations share
 * one container's pacer). 200 calls/s, one container: 190; two: 95 each.
 */
export function refreshCallsPerSecond(
  limitPerSecond: number,
  workers: number,
  reservedPerSecond = 0,
): number {
  if (!(workers >= 1) || !Number.isInteger(workers))
    throw new RangeError('workers must be a whole number ≥ 1');
  const pace = Math.floor((limitPerSecond * REFRESH_BUDGET_SHARE - reservedPerSecond) / workers);
  if (!(pace >= 1)) throw new RangeError('the limit leaves each refresh worker less than one call a second');
  return pace;
}

/** What a function of the refresh needs besides its table. */
export type TrackingNeed = 'queue' | 'events';

/** The tracking section as read for a function that needs `N`: what those needs require is present. */
export type TrackingConfigFor<N extends TrackingNeed> = TrackingConfig &
  ('queue' extends N ? { readonly queueUrl: string } : unknown) &
  ('events' extends N ? { readonly eventBusName: string } : unknown);

/** The tracking section, requiring what `needs` names; or what keeps it from being read. */
export function trackingConfig(
  values: Environment,
  needs: readonly TrackingNeed[],
): TrackingConfig | Problems {
  const problems = [
    ...(values.LOGISTICS_ORDERS_TABLE === undefined ? ['LOGISTICS_ORDERS_TABLE is required'] : []),
    ...(needs.includes('queue') && values.REFRESH_QUEUE_URL === undefined
      ? ['REFRESH_QUEUE_URL is required']
      : []),
    ...(needs.includes('events') && values.STATUS_EVENT_BUS_NAME === undefined
      ? ['STATUS_EVENT_BUS_NAME is required']
      : []),
  ];
  if (problems.length > 0) return problems;
  return {
    table: values.LOGISTICS_ORDERS_TABLE as string,
    schedule: {
      intervalMs: values.REFRESH_INTERVAL_SECONDS * 1000,
      maxIntervalMs: Math.max(values.REFRESH_INTERVAL_SECONDS, values.REFRESH_MAX_INTERVAL_SECONDS) * 1000,
      leaseMs: values.REFRESH_LEASE_SECONDS * 1000,
      retentionMs: values.SNAPSHOT_RETENTION_DAYS * 86_400_000,
    },
    queueUrl: values.REFRESH_QUEUE_URL,
    eventBusName: values.STATUS_EVENT_BUS_NAME,
    eventBridgeEndpoint: values.EVENTBRIDGE_ENDPOINT,
    pageSize: values.DISPATCH_PAGE_SIZE,
    concurrency: values.REFRESH_CONCURRENCY,
    callsPerSecond: values.REFRESH_CALLS_PER_SECOND,
  };
}
