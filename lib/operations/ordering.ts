import type { Operation } from './operation.ts';
import type { OrderGuardStore } from './order-guard-store.ts';

/**
 * Where an event of a delivery order stands before its call:
 * - `send`: this operation now holds every key of its delivery order and may call TOP;
 * - `busy`: another event of the delivery order is in flight; nothing is held;
 * - `stale` / `duplicate`: a newer event, or this very event under another delivery id, was
 *   delivered already (held; the caller gives the keys back);
 * - `delivered`: this operation delivered it before its outcome was recorded (a crash between).
 */
export type OrderVerdict =
  | { readonly verdict: 'send' | 'busy' | 'stale' | 'delivered' }
  | { readonly verdict: 'duplicate'; readonly duplicateOf: string | undefined };

/** The keys of the delivery order an operation's event reports on; none for other flows. */
export const orderKeysOf = (operation: Operation): readonly string[] => operation.guards.order_keys ?? [];

/**
 * Takes the delivery order for one attempt and judges the event against what was delivered for it.
 * The hold lasts as long as the attempt's lease, so a crashed attempt frees it when its lease lapses.
 */
export async function holdDeliveryOrder(
  guards: OrderGuardStore,
  operation: Operation,
): Promise<OrderVerdict> {
  const keys = orderKeysOf(operation);
  if (keys.length === 0) return { verdict: 'send' };
  const { operation_id: me, guards: facts } = operation;
  const histories = await guards.hold(keys, me, operation.lease_expires_at ?? 0, operation.expires_at);
  if (!histories) return { verdict: 'busy' };
  const occurredAt = facts.occurred_at;
  if (occurredAt === undefined) return { verdict: 'send' };
  if (histories.some((h) => h.operationId === me && h.lastOccurredAt === occurredAt)) {
    return { verdict: 'delivered' };
  }
  const last = histories.reduce((newest, h) => (h.lastOccurredAt > newest.lastOccurredAt ? h : newest));
  if (last.lastOccurredAt > occurredAt) return { verdict: 'stale' };
  if (last.lastOccurredAt === occurredAt && last.lastStatus === facts.order_status) {
    return { verdict: 'duplicate', duplicateOf: last.operationId };
  }
  return { verdict: 'send' };
}

/** After TOP took the event: the delivery order's history moves to it, and the keys are given back. */
export async function recordDelivered(guards: OrderGuardStore, operation: Operation): Promise<void> {
  const keys = orderKeysOf(operation);
  const { occurred_at: occurredAt, order_status: status } = operation.guards;
  if (keys.length === 0) return;
  if (occurredAt === undefined) return guards.release(keys, operation.operation_id);
  await guards.advance(keys, { occurredAt, status }, operation.operation_id, operation.expires_at);
}
