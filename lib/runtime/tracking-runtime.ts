import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ConfigWithTracking } from '#lib/config/config.ts';
import type { TrackingConfig } from '#lib/config/tracking.ts';
import { eventBridgePublisher } from '#lib/tracking/eventbridge-publisher.ts';
import type { RefreshQueue, StatusEventPublisher } from '#lib/tracking/ports.ts';
import { sqsRefreshQueue } from '#lib/tracking/sqs-queue.ts';
import { TrackingStore } from '#lib/tracking/store.ts';
import { buildRuntime, type Runtime, type RuntimeOverrides } from './runtime.ts';

export interface TrackingOverrides extends RuntimeOverrides {
  readonly sqs?: SQSClient;
  readonly eventBridge?: EventBridgeClient;
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
): TrackingRuntime<T> {
  const trackingConfig = config.tracking;
  const runtime = buildRuntime(config, service, overrides);
  const { queueUrl, eventBusName, eventBridgeEndpoint } = trackingConfig;
  // The queue URL names its endpoint, in AWS and locally alike.
  const queue = queueUrl
    ? sqsRefreshQueue(overrides.sqs ?? new SQSClient({ endpoint: new URL(queueUrl).origin }), queueUrl)
    : undefined;
  const events = eventBusName
    ? eventBridgePublisher(
        overrides.eventBridge ??
          new EventBridgeClient(eventBridgeEndpoint ? { endpoint: eventBridgeEndpoint } : {}),
        eventBusName,
      )
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
