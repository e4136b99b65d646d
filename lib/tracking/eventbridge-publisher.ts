import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  EVENT_SOURCE,
  type LogisticsOrderStatusChanged,
  STATUS_CHANGED_DETAIL_TYPE,
  type StatusEventPublisher,
} from './ports.ts';

// PutEvents takes at most 10 entries.
const BATCH = 10;

/** Status changes on an EventBridge bus; a refused entry fails the refresh, which is then retried. */
export function eventBridgePublisher(client: EventBridgeClient, eventBusName: string): StatusEventPublisher {
  return {
    async publish(events: readonly LogisticsOrderStatusChanged[]) {
      for (let i = 0; i < events.length; i += BATCH) {
        const entries = events.slice(i, i + BATCH).map((event) => ({
          EventBusName: eventBusName,
          Source: EVENT_SOURCE,
          DetailType: STATUS_CHANGED_DETAIL_TYPE,
          Detail: JSON.stringify(event),
          Time: new Date(event.at),
        }));
        const { FailedEntryCount = 0, Entries = [] } = await client.send(
          new PutEventsCommand({ Entries: entries }),
        );
        if (FailedEntryCount > 0) {
          const code = Entries.find((entry) => entry.ErrorCode)?.ErrorCode ?? 'unknown';
          throw new Error(`EventBridge refused ${FailedEntryCount} status events: ${code}`);
        }
      }
    },
  };
}
