import type { ListPlace } from '#lib/operations/list-backfill.ts';
import { indexTime } from '#lib/operations/table.ts';
import type { TrackedOrder } from './order.ts';
import { orderListShard } from './order-item.ts';

/** The tracked orders' kind for `backfillListIndex`: `lo#` items, placed as `orderToItem` places them. */
export const ORDER_ITEMS = {
  prefix: 'lo#',
  attributes: ['status', 'created_at', 'parked', 'stopped'],
} as const;

export function orderPlace(item: Record<string, unknown>): ListPlace {
  const order = item as Pick<TrackedOrder, 'status' | 'parked' | 'stopped'>;
  const exists = (name: string, present: boolean) =>
    present ? `attribute_exists(${name})` : `attribute_not_exists(${name})`;
  return {
    shard: orderListShard(order),
    at: indexTime(Number(item.created_at), String(item.pk)),
    unchanged: {
      expression: [
        order.status === undefined ? 'attribute_not_exists(#status)' : '#status = :status',
        exists('parked', order.parked !== undefined),
        exists('stopped', order.stopped !== undefined),
      ].join(' AND '),
      names: { '#status': 'status' },
      ...(order.status !== undefined && { values: { ':status': order.status } }),
    },
  };
}
