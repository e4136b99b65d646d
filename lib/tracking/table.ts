import { operationsTableDefinition } from '#lib/operations/table.ts';

/**
 * The logistics-orders table has the operations table's key scheme: one string key `pk` and the
 * sparse `due` index (`due_shard`, `due_at`), here holding orders due for a refresh and parked ones.
 */
export const logisticsOrdersTableDefinition = operationsTableDefinition;

/** The index partition of orders waiting for their next refresh. */
export const REFRESH_SHARD = 'refresh';
/** The index partition of a seller's parked orders. */
export const parkedShard = (sellerId: string): string => `parked#${sellerId}`;
/** The index partition listing sellers with parked orders. */
export const PARKED_SELLERS_SHARD = 'parked-sellers';
