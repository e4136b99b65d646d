/** One due order handed from the dispatcher to a worker; `token` proves the dispatch is current. */
export interface RefreshMessage {
  readonly logistics_order_id: string;
  readonly token: string;
}

/** Where the dispatcher puts due orders: SQS in AWS, an in-process queue locally. */
export interface RefreshQueue {
  /** Sends the messages, in batches as the queue takes them; resolves once all are accepted. */
  send(messages: readonly RefreshMessage[]): Promise<void>;
}

/** A logistics order moved from one status to another. Ids and statuses only: no personal data. */
export interface LogisticsOrderStatusChanged {
  readonly logistics_order_id: string;
  readonly seller_id: string;
  /** `undefined` for the first status seen. */
  readonly from: string | undefined;
  readonly to: string;
  /** When the refresh saw it, ISO 8601. */
  readonly at: string;
}

export const STATUS_CHANGED_DETAIL_TYPE = 'LogisticsOrderStatusChanged';
export const EVENT_SOURCE = 'top-webhooks.tracking';

/** Where status changes go: EventBridge in AWS, an event log locally. */
export interface StatusEventPublisher {
  publish(events: readonly LogisticsOrderStatusChanged[]): Promise<void>;
}
