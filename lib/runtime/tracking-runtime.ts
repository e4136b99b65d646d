import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config, TrackingConfig } from '#lib/config/config.ts';
import { eventBridgePublisher } from '#lib/tracking/eventbridge-publisher.ts';
import type { RefreshQueue, StatusEventPublisher } from '#lib/tracking/ports.ts';
import { sqsRefreshQueue } from '#lib/tracking/sqs-queue.ts';
import { TrackingStore } from '#lib/tracking/store.ts';
import { buildRuntime, type Runtime, type RuntimeOverrides } from './runtime.ts';

export interface TrackingOverrides extends RuntimeOverrides {
  readonly sqs?: SQSClient;
  readonly eventBridge?: EventBridgeClient;
}

/** A function of the order-detail refresh: the common runtime plus the tracking store and its ports. */
export interface TrackingRuntime extends Runtime {
  readonly trackingConfig: TrackingConfig;
  readonly tracking: TrackingStore;
  /** Present when the config names the queue. */
  readonly queue: RefreshQueue | undefined;
  /** Present when the config names the event bus. */
  readonly events: StatusEventPublisher | undefined;
}

/** Builds a refresh function's clients once per container; the config must carry `tracking`. */
export function buildTrackingRuntime(
  config: Config,
  service: string,
  overrides: TrackingOverrides = {},
): TrackingRuntime {
  const trackingConfig = config.tracking;
  if (!trackingConfig) throw new Error('the configuration has no tracking section (loadConfig `tracking`)');
  const runtime = buildRuntime(config, service, overrides);
  const { queueUrl, eventBusName, eventBridgeEndpoint } = trackingConfig;
  return {
    ...runtime,
    trackingConfig,
    tracking: new TrackingStore({
      client: overrides.dynamodb ?? runtime.dynamodb,
      tableName: trackingConfig.table,
      now: runtime.now,
    }),
    // The queue URL names its endpoint, in AWS and locally alike.
    queue: queueUrl
      ? sqsRefreshQueue(overrides.sqs ?? new SQSClient({ endpoint: new URL(queueUrl).origin }), queueUrl)
      : undefined,
    events: eventBusName
      ? eventBridgePublisher(
          overrides.eventBridge ??
            new EventBridgeClient(eventBridgeEndpoint ? { endpoint: eventBridgeEndpoint } : {}),
          eventBusName,
        )
      : undefined,
  };
}
