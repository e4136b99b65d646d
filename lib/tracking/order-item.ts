import * as z from 'zod/mini';
import { CorruptItemError, issuePaths } from '#lib/dynamo/errors.ts';
import { indexTime } from '#lib/operations/table.ts';
import { REFRESH_ERROR_KINDS, type TrackedOrder } from './order.ts';
import { ORDER_LIST_SHARDS, parkedShard, REFRESH_SHARD } from './table.ts';

const ORDER_KEY_PREFIX = 'lo#';

/** The key of a tracked order's item. */
export const orderKey = (logisticsOrderId: string) => ({ pk: `${ORDER_KEY_PREFIX}${logisticsOrderId}` });

/** The logistics order id a tracked order's key (`pk`, as the index lists it) names. */
export const orderIdFromKey = (pk: unknown): string => String(pk).slice(ORDER_KEY_PREFIX.length);

const text = z.string();
const time = z.number();
// TOP sends a number (`27`) or a name (`IllegalAccessToken`).
const code = z.optional(z.union([z.number(), text]));

// What a tracked order's item must hold to be read back; the key and index attributes are dropped.
const TrackedOrderItem = z.object({
  logistics_order_id: text.check(z.minLength(1)),
  seller_id: text,
  created_at: time,
  // TOP's status code as it sent it: one it adds later is kept, not refused.
  status: z.optional(text),
  // The platform's detail is only stored and shown: an object, its fields unchecked.
  snapshot: z.optional(z.record(z.string(), z.unknown())),
  history: z.array(z.object({ status: text, at: time })),
  last_refreshed_at: z.optional(time),
  last_error: z.optional(
    z.object({
      kind: z.enum(REFRESH_ERROR_KINDS),
      message: text,
      code,
      sub_code: z.optional(text),
      at: time,
    }),
  ),
  unchanged_refreshes: z.number().check(z.int(), z.nonnegative()),
  next_refresh_at: z.optional(time),
  dispatch_token: z.optional(text),
  parked: z.optional(
    z.object({
      reason: text,
      code,
      sub_code: z.optional(text),
      session_fingerprint: text,
      at: time,
    }),
  ),
  not_found_refreshes: z.optional(z.number().check(z.int(), z.nonnegative())),
  stopped: z.optional(
    z.object({
      reason: text,
      code,
      sub_code: z.optional(text),
      at: time,
    }),
  ),
  finished_at: z.optional(time),
  expires_at: z.optional(time),
});

/** The `list` partition an order is in: parked, stopped, or its TOP status. */
export const orderListShard = (order: Pick<TrackedOrder, 'parked' | 'stopped' | 'status'>): string =>
  order.parked
    ? ORDER_LIST_SHARDS.parked
    : order.stopped
      ? ORDER_LIST_SHARDS.stopped
      : ORDER_LIST_SHARDS.status(order.status);

/**
 * The item: the order, its key, its place in the `due` index (due, parked, or none once finished or
 * stopped) and in the `list` index (always, by when tracking started).
 */
export function orderToItem(order: TrackedOrder): Record<string, unknown> {
  const key = orderKey(order.logistics_order_id);
  const place = order.parked
    ? { due_shard: parkedShard(order.seller_id), due_at: indexTime(order.parked.at, key.pk) }
    : order.next_refresh_at !== undefined
      ? { due_shard: REFRESH_SHARD, due_at: indexTime(order.next_refresh_at, key.pk) }
      : {};
  return {
    ...key,
    ...order,
    ...place,
    list_shard: orderListShard(order),
    list_at: indexTime(order.created_at, key.pk),
  };
}

/** The tracked order an item holds, checked field by field. Throws {@link CorruptItemError}. */
export function orderFromItem(item: Record<string, unknown>): TrackedOrder {
  const parsed = TrackedOrderItem.safeParse(item);
  if (!parsed.success) throw new CorruptItemError('tracked order', issuePaths(parsed.error.issues));
  return parsed.data;
}

/** What a list shows of a tracked order: never the snapshot (personal data) nor the history. */
export const LISTED_ORDER_FIELDS = [
  'logistics_order_id',
  'seller_id',
  'created_at',
  'status',
  'last_refreshed_at',
  'next_refresh_at',
  'last_error',
  'parked',
  'stopped',
  'finished_at',
  'expires_at',
] as const;

const ListedOrderItem = z.pick(TrackedOrderItem, {
  logistics_order_id: true,
  seller_id: true,
  created_at: true,
  status: true,
  last_refreshed_at: true,
  next_refresh_at: true,
  last_error: true,
  parked: true,
  stopped: true,
  finished_at: true,
});

/** A tracked order as a list shows it. */
export type ListedOrder = z.output<typeof ListedOrderItem>;

/** The listed fields of a tracked order's item. Throws {@link CorruptItemError}. */
export function listedOrderFromItem(item: Record<string, unknown>): ListedOrder {
  const parsed = ListedOrderItem.safeParse(item);
  if (!parsed.success) throw new CorruptItemError('listed tracked order', issuePaths(parsed.error.issues));
  return parsed.data;
}
