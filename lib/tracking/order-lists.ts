import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { countQuery } from '#lib/dynamo/count.ts';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import {
  countListEntries,
  type IndexFilter,
  type IndexPage as ListPage,
  type ListRange,
  type MergedPosition,
  readMergedPage,
  type SendQuery,
} from '#lib/operations/list-index.ts';
import { DUE_INDEX } from '#lib/operations/table.ts';
import { LISTED_ORDER_FIELDS, type ListedOrder, listedOrderFromItem } from './order-item.ts';
import { NO_STATUS, ORDER_LIST_SHARDS, PARKED_SELLERS_SHARD } from './table.ts';

const dynamo = storeCalls('logistics-orders store');

/**
 * Which tracked orders an operator lists: `status` one TOP status (`none`: not read yet); `parked`
 * true only parked ones, false none of them, absent either; `stopped` likewise for the orders whose
 * refresh stopped (TOP does not know them).
 */
export interface OrderListQuery {
  readonly status?: string | undefined;
  readonly parked?: boolean | undefined;
  readonly stopped?: boolean | undefined;
}

// BatchGetItem answers may leave keys unprocessed under load: asked again this many times.
const BATCH_GET_ROUNDS = 5;

/**
 * What an operator reads of the tracked orders: pages of the `list` index and counts of its
 * partitions (and of sellers with parked orders), never a snapshot. No Scan.
 */
export class TrackedOrderLists extends TableStore {
  /**
   * A page of tracked orders from the `list` index (no Scan), newest first by when tracking started,
   * from `after`. The index holds keys, status and expiry only: the page's orders are read with one
   * BatchGetItem, without the snapshot (personal data) or the history.
   */
  list(
    query: OrderListQuery,
    limit: number,
    after?: MergedPosition,
  ): Promise<ListPage<ListedOrder, MergedPosition>> {
    return readMergedPage(
      this.#listQuery,
      this.table,
      this.#ranges(query),
      'newest',
      limit,
      after,
      (entries) => this.#readListed(entries.map((entry) => String(entry.pk))),
    );
  }

  /** The `list` partitions a query reads (see {@link ORDER_LIST_SHARDS}). */
  listShards(query: OrderListQuery): string[] {
    return this.#ranges(query).map((range) => range.shard);
  }

  /** How many orders are parked, and whether all were counted (at most `maxPages` pages). */
  countParkedOrders(maxPages: number) {
    return countListEntries(this.#listQuery, this.table, this.#range(ORDER_LIST_SHARDS.parked), maxPages);
  }

  /** How many orders are stopped, and whether all were counted. */
  countStoppedOrders(maxPages: number) {
    return countListEntries(this.#listQuery, this.table, this.#range(ORDER_LIST_SHARDS.stopped), maxPages);
  }

  /** How many sellers have parked orders (their partition of the `due` index), and whether all were counted. */
  countParkedSellers(maxPages: number): Promise<{ readonly count: number; readonly complete: boolean }> {
    return countQuery(
      (input) => dynamo.call('count parked sellers', () => this.doc.send(new QueryCommand(input))),
      {
        TableName: this.table,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'due_shard = :shard',
        ExpressionAttributeValues: { ':shard': PARKED_SELLERS_SHARD },
      },
      maxPages,
    );
  }

  #ranges(query: OrderListQuery): ListRange[] {
    const { status, parked, stopped } = query;
    // Parked and stopped orders have a partition each, whatever their status: filtered by it.
    if (parked) return [this.#range(ORDER_LIST_SHARDS.parked, status)];
    if (stopped) return [this.#range(ORDER_LIST_SHARDS.stopped, status)];
    const byStatus =
      status === undefined
        ? ORDER_LIST_SHARDS.allStatuses()
        : [ORDER_LIST_SHARDS.status(status === NO_STATUS ? undefined : status)];
    return [
      ...byStatus.map((shard) => this.#range(shard)),
      ...(parked === false ? [] : [this.#range(ORDER_LIST_SHARDS.parked, status)]),
      ...(stopped === false ? [] : [this.#range(ORDER_LIST_SHARDS.stopped, status)]),
    ];
  }

  #range(shard: string, status?: string): ListRange {
    const live = 'attribute_not_exists(expires_at) OR expires_at >= :nowSeconds';
    const filter: IndexFilter = {
      expression:
        status === undefined
          ? live
          : `(${live}) AND ${status === NO_STATUS ? 'attribute_not_exists(#status)' : '#status = :status'}`,
      values: {
        ':nowSeconds': this.nowSeconds(),
        ...(status !== undefined && status !== NO_STATUS && { ':status': status }),
      },
      ...(status !== undefined && { names: { '#status': 'status' } }),
    };
    return { shard, filter };
  }

  #listQuery: SendQuery = (input) =>
    dynamo.call('list logistics orders', () => this.doc.send(new QueryCommand(input)));

  /** The listed fields of these orders, in this order; one gone meanwhile is left out. */
  async #readListed(keys: string[]): Promise<ListedOrder[]> {
    if (keys.length === 0) return [];
    const names = Object.fromEntries(LISTED_ORDER_FIELDS.map((field, i) => [`#f${i}`, field]));
    const found = new Map<string, Record<string, unknown>>();
    let pending: Record<string, unknown>[] = keys.map((pk) => ({ pk }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === BATCH_GET_ROUNDS) {
        throw new StoreUnavailableError('logistics-orders store', 'read listed orders', {
          cause: new Error(`${pending.length} keys left unprocessed`),
        });
      }
      const { Responses, UnprocessedKeys } = await dynamo.call('read listed orders', () =>
        this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.table]: {
                Keys: pending,
                // Never the snapshot nor the history: what a list shows only.
                ProjectionExpression: ['pk', ...Object.keys(names)].join(', '),
                ExpressionAttributeNames: names,
              },
            },
          }),
        ),
      );
      for (const item of Responses?.[this.table] ?? []) found.set(String(item.pk), item);
      pending = (UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
    }
    const nowSeconds = this.nowSeconds();
    return keys.flatMap((pk) => {
      const item = found.get(pk);
      if (!item || (typeof item.expires_at === 'number' && item.expires_at < nowSeconds)) return [];
      return [listedOrderFromItem(item)];
    });
  }
}
