import type { TrackedOrder } from '#lib/tracking/order.ts';
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
    finished_at: iso(order.finished_at),
  };
}
