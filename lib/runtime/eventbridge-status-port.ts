import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgePublisher } from '#lib/tracking/eventbridge-publisher.ts';
import type { StatusEventPublisher } from '#lib/tracking/ports.ts';

/** The status events on an EventBridge bus; `endpoint` is the local stack's. */
export const eventBridgeStatusPort = (
  busName: string,
  endpoint: string | undefined,
  client: EventBridgeClient | undefined,
): StatusEventPublisher =>
  eventBridgePublisher(client ?? new EventBridgeClient(endpoint ? { endpoint } : {}), busName);
