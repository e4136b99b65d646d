import type { TrackedOrder } from '#lib/tracking/order.ts';
import type { ListedOrder } from '#lib/tracking/order-item.ts';
import { iso } from './operation-response.ts';

/** Where a tracked order can be looked up: the operator API's path. */
export const logisticsOrderLocation = (id: string): string => `/logistics-orders/${encodeURIComponent(id)}`;

/** `GET /logistics-orders/{id}`: the latest snapshot, the status history, the last refresh and error. */
export function logisticsOrderView(order: TrackedOrder) {
  return {
    logistics_order_id: order.logistics_order_id,
    seller_id: order.seller_id,
    status: order.status,
    snapshot: order.snapshot,
    history: order.history.map((change) => ({ status: change.status, at: iso(change.at) })),
    // null rather than absent: the contract names these fields whether or not they have a value.
    last_refreshed_at: iso(order.last_refreshed_at) ?? null,
    last_error: order.last_error ? { ...order.last_error, at: iso(order.last_error.at) } : null,
    next_refresh_at: iso(order.next_refresh_at),
    parked: order.parked && { ...order.parked, at: iso(order.parked.at) },
    // Refreshes stopped for good: TOP does not know the order.
    stopped: order.stopped && { ...order.stopped, at: iso(order.stopped.at) },
    finished_at: iso(order.finished_at),
  };
}

/**
 * A tracked order in the operator's list (`GET /logistics-orders`): where its refresh stands, never
 * the snapshot (personal data) nor the history; absent fields are null.
 */
export function listedOrderView(order: ListedOrder) {
  return {
    logistics_order_id: order.logistics_order_id,
    seller_id: order.seller_id,
    status: order.status ?? null,
    tracked_at: iso(order.created_at),
    last_refreshed_at: iso(order.last_refreshed_at) ?? null,
    next_refresh_at: iso(order.next_refresh_at) ?? null,
    parked: order.parked
      ? {
          reason: order.parked.reason,
          code: order.parked.code,
          sub_code: order.parked.sub_code,
          at: iso(order.parked.at),
        }
      : null,
    stopped: order.stopped ? { ...order.stopped, at: iso(order.stopped.at) } : null,
    finished_at: iso(order.finished_at) ?? null,
    last_error: order.last_error ? { ...order.last_error, at: iso(order.last_error.at) } : null,
  };
}
