import * as z from 'zod';
import { CorruptItemError, issuePaths } from '#lib/dynamo/errors.ts';
import { indexTime } from '#lib/operations/table.ts';
import { REFRESH_ERROR_KINDS, type TrackedOrder } from './order.ts';
import { parkedShard, REFRESH_SHARD } from './table.ts';

const ORDER_KEY_PREFIX = 'lo#';

/** The key of a tracked order's item. */
export const orderKey = (logisticsOrderId: string) => ({ pk: `${ORDER_KEY_PREFIX}${logisticsOrderId}` });

/** The logistics order id a tracked order's key (`pk`, as the index lists it) names. */
export const orderIdFromKey = (pk: unknown): string => String(pk).slice(ORDER_KEY_PREFIX.length);

const text = z.string();
const time = z.number();
// TOP sends a number (`27`) or a name (`IllegalAccessToken`).
const code = z.union([z.number(), text]).optional();

// What a tracked order's item must hold to be read back; the key and index attributes are dropped.
const TrackedOrderItem = z.object({
  logistics_order_id: text.min(1),
  seller_id: text,
  created_at: time,
  // TOP's status code as it sent it: one it adds later is kept, not refused.
  status: text.optional(),
  // The platform's detail is only stored and shown: an object, its fields unchecked.
  snapshot: z.record(z.string(), z.unknown()).optional(),
  history: z.array(z.object({ status: text, at: time })),
  last_refreshed_at: time.optional(),
  last_error: z
    .object({
      kind: z.enum(REFRESH_ERROR_KINDS),
      message: text,
      code,
      sub_code: text.optional(),
      at: time,
    })
    .optional(),
  unchanged_refreshes: z.number().int().nonnegative(),
  next_refresh_at: time.optional(),
  dispatch_token: text.optional(),
  parked: z
    .object({
      reason: text,
      code,
      sub_code: text.optional(),
      session_fingerprint: text,
      at: time,
    })
    .optional(),
  finished_at: time.optional(),
  expires_at: time.optional(),
});

/** The item: the order, its key, and its place in the index (due, parked, or none once finished). */
export function orderToItem(order: TrackedOrder): Record<string, unknown> {
  const key = orderKey(order.logistics_order_id);
  const place = order.parked
    ? { due_shard: parkedShard(order.seller_id), due_at: indexTime(order.parked.at, key.pk) }
    : order.next_refresh_at !== undefined
      ? { due_shard: REFRESH_SHARD, due_at: indexTime(order.next_refresh_at, key.pk) }
      : {};
  return { ...key, ...order, ...place };
}

/** The tracked order an item holds, checked field by field. Throws {@link CorruptItemError}. */
export function orderFromItem(item: Record<string, unknown>): TrackedOrder {
  const parsed = TrackedOrderItem.safeParse(item);
  if (!parsed.success) throw new CorruptItemError('tracked order', issuePaths(parsed.error.issues));
  return parsed.data;
}
