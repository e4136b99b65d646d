import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ConfigWithTracking } from '#lib/config/config.ts';
import type { TrackingConfig } from '#lib/config/tracking.ts';
import type { RefreshQueue, StatusEventPublisher } from '#lib/tracking/ports.ts';
import { TrackingStore } from '#lib/tracking/store.ts';
import { buildRuntime, type Runtime, type RuntimeOverrides, type RuntimeParts } from './runtime.ts';

export interface TrackingOverrides extends RuntimeOverrides {
  readonly sqs?: SQSClient;
  readonly eventBridge?: EventBridgeClient;
}

/**
 * The ports a refresh function runs, passed in by that function (`sqsRefreshQueuePort`,
 * `eventBridgeStatusPort`), so each bundles only its own AWS client.
 */
export interface TrackingParts extends RuntimeParts {
  /** The refresh queue at the config's queue URL; the override is a test's or the local stack's client. */
  readonly queue?: (queueUrl: string, client: SQSClient | undefined) => RefreshQueue;
  /** The status events' bus. */
  readonly events?: (
    busName: string,
    endpoint: string | undefined,
    client: EventBridgeClient | undefined,
  ) => StatusEventPublisher;
}

// A port is certain where the config's value for it is (a `loadConfig` tracking need), else optional.
type PortFor<Value, Port> = Value extends string ? Port : Port | undefined;

/**
 * A function of the order-detail refresh: the common runtime plus the tracking store and its ports.
 * `T` is the config's tracking section, so the needs given to `loadConfig` decide which ports are certain.
 */
export interface TrackingRuntime<T extends TrackingConfig = TrackingConfig> extends Runtime {
  readonly trackingConfig: T;
  readonly tracking: TrackingStore;
  /** Certain when the config was loaded with the `queue` need. */
  readonly queue: PortFor<T['queueUrl'], RefreshQueue>;
  /** Certain when the config was loaded with the `events` need. */
  readonly events: PortFor<T['eventBusName'], StatusEventPublisher>;
}

/** Builds a refresh function's clients once per container, from a config loaded with `tracking`. */
export function buildTrackingRuntime<T extends TrackingConfig>(
  config: ConfigWithTracking<T>,
  service: string,
  overrides: TrackingOverrides = {},
  parts: TrackingParts = {},
): TrackingRuntime<T> {
  const trackingConfig = config.tracking;
  const runtime = buildRuntime(config, service, overrides, parts);
  const { queueUrl, eventBusName, eventBridgeEndpoint } = trackingConfig;
  // A port is built where the config names it and the function runs it: a function loaded with
  // the port's need passes its part, which is what makes PortFor's certainty hold.
  const queue = queueUrl ? parts.queue?.(queueUrl, overrides.sqs) : undefined;
  const events = eventBusName
    ? parts.events?.(eventBusName, eventBridgeEndpoint, overrides.eventBridge)
    : undefined;
  return {
    ...runtime,
    trackingConfig,
    tracking: new TrackingStore({
      client: overrides.dynamodb ?? runtime.dynamodb,
      tableName: trackingConfig.table,
      now: runtime.now,
    }),
    // Each is built exactly when its value is set, which is what PortFor says.
    queue: queue as TrackingRuntime<T>['queue'],
    events: events as TrackingRuntime<T>['events'],
  };
}
