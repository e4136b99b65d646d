import type { Operation } from './operation.ts';
import type { GuardHolder, HeldGuard, OrderGuardStore, OrderHistory } from './order-guard-store.ts';
import type { OperationsStore } from './store.ts';

/**
 * Where an event of a delivery order stands before its call:
 * - `send`: this attempt now holds every key of its delivery order and may call TOP;
 * - `busy`: another event of the delivery order is in flight; nothing is held;
 * - `stale` / `duplicate`: a newer event, or this very event under another delivery id, was
 *   delivered already (held; the caller gives the keys back);
 * - `delivered`: this operation delivered it before its outcome was recorded (a crash between).
 */
export type OrderVerdict =
  | { readonly verdict: 'send' | 'busy' | 'stale' | 'delivered' }
  | { readonly verdict: 'duplicate'; readonly duplicateOf: string | undefined };

/** Each key of a delivery order, once held; `undefined` when another attempt holds one. */
export type OrderHold = Promise<readonly HeldGuard[] | undefined>;

/** The stores an event's place in its delivery order is judged from. */
export interface OrderingStores {
  readonly orderGuards: OrderGuardStore;
  readonly operations: OperationsStore;
}

/** The keys of the delivery order an operation's event reports on; none for other flows. */
export const orderKeysOf = (operation: Operation): readonly string[] => operation.guards.order_keys ?? [];

/**
 * The attempt holding an operation: its lease token, which no other attempt (not even a duplicate
 * delivery, which shares the operation id) has.
 */
function holderOf(operation: Operation): GuardHolder {
  const token = operation.lease_token;
  if (token === undefined) throw new Error(`operation ${operation.operation_id} is not held under a lease`);
  return { token, operationId: operation.operation_id };
}

/**
 * Takes the delivery order for one attempt. The hold lasts as long as the attempt's lease, so a
 * crashed attempt frees it when its lease lapses. It needs nothing of the operation's record, so
 * a delivery takes it alongside its claim (`alongsideClaim`): then not when this operation was the
 * last to give it back, as a redelivery would find it, so a redelivery has nothing to give back.
 * A new claim never meets that; a delivery taking over a lapsed lease that does takes it again
 * without the condition.
 */
export function holdOrderKeys(
  guards: OrderGuardStore,
  operation: Operation,
  options: { readonly alongsideClaim?: boolean } = {},
): OrderHold {
  const keys = orderKeysOf(operation);
  if (keys.length === 0) return Promise.resolve([]);
  return guards.hold(keys, holderOf(operation), operation.lease_expires_at ?? 0, operation.expires_at, {
    unlessLastHolder: options.alongsideClaim === true,
  });
}

/** Judges the event against what was delivered for its delivery order, once `held` (taken here when absent). */
export async function holdDeliveryOrder(
  stores: OrderingStores,
  operation: Operation,
  held: OrderHold = holdOrderKeys(stores.orderGuards, operation),
): Promise<OrderVerdict> {
  const guards = await held;
  if (!guards) return { verdict: 'busy' };
  const { operation_id: me, guards: facts } = operation;
  const occurredAt = facts.occurred_at;
  if (guards.length === 0 || occurredAt === undefined) return { verdict: 'send' };
  const histories = await withLapsedDeliveries(stores, operation, guards);
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

/**
 * The histories of `held`, counting the event of an attempt that let its hold lapse after TOP took
 * its call: a delivery writes its outcome and moves the history on together, so its outcome may be
 * all that was written. Only a lapsed hold costs a read (and a write when its event counts).
 */
async function withLapsedDeliveries(
  stores: OrderingStores,
  operation: Operation,
  held: readonly HeldGuard[],
): Promise<OrderHistory[]> {
  const lapsed = new Set<string>();
  for (const { lapsedOperation } of held) {
    // Our own earlier attempt's outcome is the record in hand: not delivered, or we'd not be here.
    if (lapsedOperation && lapsedOperation !== operation.operation_id) lapsed.add(lapsedOperation);
  }
  if (lapsed.size === 0) return held.map((guard) => guard.history);
  const records = await Promise.all([...lapsed].map((id) => stores.operations.get(id)));
  const delivered = records.filter((record) => record?.status === 'SUCCEEDED');
  return Promise.all(
    held.map(async (guard) => {
      const record = delivered.find((each) => each?.operation_id === guard.lapsedOperation);
      const occurredAt = record?.guards.occurred_at;
      if (!record || occurredAt === undefined || occurredAt <= guard.history.lastOccurredAt) {
        return guard.history;
      }
      const event = { occurredAt, status: record.guards.order_status, operationId: record.operation_id };
      await stores.orderGuards.remember(guard.key, event, record.expires_at);
      return { lastOccurredAt: occurredAt, lastStatus: event.status, operationId: event.operationId };
    }),
  );
}

/** Gives back the delivery order an attempt holds; a key another attempt took meanwhile is left alone. */
export async function releaseDeliveryOrder(guards: OrderGuardStore, operation: Operation): Promise<void> {
  const keys = orderKeysOf(operation);
  if (keys.length > 0) await guards.release(keys, holderOf(operation));
}

/** After TOP took the event: the delivery order's history moves to it, and the keys are given back. */
export async function recordDelivered(guards: OrderGuardStore, operation: Operation): Promise<void> {
  const keys = orderKeysOf(operation);
  const { occurred_at: occurredAt, order_status: status } = operation.guards;
  if (keys.length === 0) return;
  const holder = holderOf(operation);
  if (occurredAt === undefined) return guards.release(keys, holder);
  await guards.advance(
    keys,
    { occurredAt, status, operationId: operation.operation_id },
    holder,
    operation.expires_at,
  );
}
