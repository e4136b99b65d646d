import { withListIndex } from '#lib/operations/table.ts';
import { LOGISTICS_ORDER_STATUSES } from '#lib/top/apis/logistics-order-statuses.ts';

/**
 * What the logistics-orders' `list` index holds besides its keys: `status`, so a partition of
 * parked or stopped orders can be filtered by it, and `expires_at`, so a finished order past its
 * retention that DynamoDB has not deleted yet is left out. Nothing else: the rest of a listed order
 * is read with BatchGetItem (without the snapshot). An INCLUDE of every listed field would make each
 * refresh (the claim and the save, which move `next_refresh_at` and `last_refreshed_at`) write the
 * index too, thousands of times an hour, for an operator's list read now and then; these two change
 * only when the entry moves partition anyway (the status is the partition of an order refreshed).
 */
export const LOGISTICS_ORDER_LIST_ATTRIBUTES = ['status', 'expires_at'] as const;

/**
 * The logistics-orders table has the operations table's key scheme: one string key `pk`, the
 * sparse `due` index (`due_shard`, `due_at`), here holding orders due for a refresh and parked ones,
 * and the sparse `list` index (`list_shard`, `list_at`) of the operator's list, holding every
 * tracked order (never a parked-seller item) by when its tracking started.
 */
export const logisticsOrdersTableDefinition = withListIndex({
  ProjectionType: 'INCLUDE',
  NonKeyAttributes: [...LOGISTICS_ORDER_LIST_ATTRIBUTES],
});

/** The index partition of orders waiting for their next refresh. */
export const REFRESH_SHARD = 'refresh';
/** The index partition of a seller's parked orders. */
export const parkedShard = (sellerId: string): string => `parked#${sellerId}`;
/** The index partition listing sellers with parked orders. */
export const PARKED_SELLERS_SHARD = 'parked-sellers';

/** What a list's `status` filter says of an order no refresh has read yet. */
export const NO_STATUS = 'none';

/** The statuses a list filters on: TOP's codes, and `none`. */
export const LISTED_STATUSES = [...Object.keys(LOGISTICS_ORDER_STATUSES), NO_STATUS] as const;

// A status TOP may add later has a partition of its own kind: listed with all, never lost.
const OTHER_STATUS = 'other';

/**
 * The `list` partitions of tracked orders: parked ones, ones whose refresh stopped (TOP does not
 * know them), and every other by TOP's status (`none` before the first successful refresh, `other`
 * for a code TOP may add later). One partition per status keeps a status filter a Query of its own;
 * parked and stopped orders are few, and have one each, whatever their status.
 */
export const ORDER_LIST_SHARDS = {
  parked: 'lo#parked',
  stopped: 'lo#stopped',
  status: (status: string | undefined): string =>
    `lo#status#${status === undefined ? NO_STATUS : status in LOGISTICS_ORDER_STATUSES ? status : OTHER_STATUS}`,
  /** Every status partition: `none`, each code, `other`. */
  allStatuses: (): string[] =>
    [NO_STATUS, ...Object.keys(LOGISTICS_ORDER_STATUSES), OTHER_STATUS].map(
      (status) => `lo#status#${status}`,
    ),
} as const;
