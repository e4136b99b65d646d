import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { fitsInKey } from '#lib/flows/key-field.ts';
import {
  countListEntries,
  type IndexFilter,
  type IndexPage as ListPage,
  type ListRange,
  type MergedPosition,
  readMergedPage,
  type SendQuery,
} from '#lib/operations/list-index.ts';
import { DUE_INDEX, dueBy, indexTime } from '#lib/operations/table.ts';
import type { TrackedOrder } from './order.ts';
import {
  LISTED_ORDER_FIELDS,
  type ListedOrder,
  listedOrderFromItem,
  orderFromItem,
  orderIdFromKey,
  orderKey,
  orderListShard,
  orderToItem,
} from './order-item.ts';
import {
  type ParkedSeller,
  parkedSellerFromItem,
  parkedSellerKey,
  parkedSellerToItem,
} from './parked-seller-item.ts';
import { NO_STATUS, ORDER_LIST_SHARDS, PARKED_SELLERS_SHARD, parkedShard, REFRESH_SHARD } from './table.ts';

export type { MergedPosition } from '#lib/operations/list-index.ts';
export type { ListedOrder } from './order-item.ts';
export type { ParkedSeller } from './parked-seller-item.ts';

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

/** A page of the index: what it listed and where the next page starts. */
export interface IndexPage<T> {
  readonly items: readonly T[];
  readonly next: Record<string, unknown> | undefined;
}

export interface DueOrder {
  readonly logisticsOrderId: string;
  readonly dueAt: number;
}

/**
 * Tracked logistics orders. Due orders, parked orders and sellers with parked orders are each a
 * partition of the sparse index, so finding work is always a Query. Single-item conditional writes.
 */
export class TrackingStore extends TableStore {
  /** Starts tracking an order; `false` when it is tracked already. */
  register(order: TrackedOrder): Promise<boolean> {
    return dynamo.conditional('track a logistics order', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: orderToItem(order),
          ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :nowSeconds',
          ExpressionAttributeValues: { ':nowSeconds': this.nowSeconds() },
        }),
      ),
    );
  }

  /** The tracked order, or `undefined`; an id too long to be tracked is not looked up. */
  async get(logisticsOrderId: string): Promise<TrackedOrder | undefined> {
    if (!fitsInKey(logisticsOrderId)) return undefined;
    const { Item } = await dynamo.call('read a logistics order', () =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: orderKey(logisticsOrderId), ConsistentRead: true }),
      ),
    );
    if (!Item || (typeof Item.expires_at === 'number' && Item.expires_at < this.nowSeconds())) {
      return undefined;
    }
    return orderFromItem(Item);
  }

  /** Orders due for a refresh at `now`, oldest first, one page at a time. */
  async due(limit: number, start?: Record<string, unknown>): Promise<IndexPage<DueOrder>> {
    const page = await this.#query(REFRESH_SHARD, limit, start, this.now());
    return {
      items: page.items.map((item) => ({
        logisticsOrderId: orderIdFromKey(item.pk),
        // The index's sort key: DynamoDB holds nothing but a number there.
        dueAt: Number(item.due_at),
      })),
      next: page.next,
    };
  }

  /**
   * Claims a due order for one dispatch: moves its due time to `leaseUntil` (when it is due again if
   * no worker finishes it) and records the dispatch token. `false` when another dispatcher won.
   */
  claim(logisticsOrderId: string, seenDueAt: number, token: string, leaseUntil: number): Promise<boolean> {
    return dynamo.conditional('claim a due order', () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: orderKey(logisticsOrderId),
          UpdateExpression: 'SET dispatch_token = :token, due_at = :dueAt, next_refresh_at = :lease',
          ConditionExpression: 'due_shard = :refresh AND due_at = :seen',
          ExpressionAttributeValues: {
            ':token': token,
            ':lease': leaseUntil,
            ':dueAt': indexTime(leaseUntil, orderKey(logisticsOrderId).pk),
            ':refresh': REFRESH_SHARD,
            ':seen': seenDueAt,
          },
        }),
      ),
    );
  }

  /** Writes a refreshed order; only the holder of the current dispatch may. `false` if stale. */
  save(order: TrackedOrder, token: string): Promise<boolean> {
    return dynamo.conditional('save a logistics order', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: orderToItem({ ...order, dispatch_token: undefined }),
          ConditionExpression: 'dispatch_token = :token',
          ExpressionAttributeValues: { ':token': token },
        }),
      ),
    );
  }

  /** Sellers with parked orders, and the session that failed for each. */
  async parkedSellers(): Promise<ParkedSeller[]> {
    const sellers: ParkedSeller[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#query(PARKED_SELLERS_SHARD, 100, start);
      // The index holds keys only: the fingerprint is read from the item itself.
      for (const item of page.items) {
        const { Item } = await dynamo.call('read a parked seller', () =>
          this.doc.send(
            new GetCommand({ TableName: this.table, Key: { pk: item.pk }, ConsistentRead: true }),
          ),
        );
        if (Item) sellers.push(parkedSellerFromItem(Item));
      }
      start = page.next;
    } while (start);
    return sellers;
  }

  /** Notes that `sellerId` has orders parked on the session `fingerprint`. */
  async markSellerParked(sellerId: string, fingerprint: string): Promise<void> {
    await dynamo.call('record a parked seller', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: parkedSellerToItem({ sellerId, sessionFingerprint: fingerprint }, this.now()),
        }),
      ),
    );
  }

  /** A page of a seller's parked orders. */
  async parkedOrders(sellerId: string, limit: number): Promise<string[]> {
    const page = await this.#query(parkedShard(sellerId), limit);
    return page.items.map((item) => orderIdFromKey(item.pk));
  }

  /**
   * Puts a parked order back among the due ones, due at once, and in its status's `list`
   * partition: read first for that status, then written only if still parked with it.
   */
  async resume(logisticsOrderId: string, sellerId: string): Promise<boolean> {
    const now = this.now();
    const order = await this.get(logisticsOrderId);
    if (!order?.parked) return false;
    const status = order.status;
    return dynamo.conditional('resume a parked order', () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: orderKey(logisticsOrderId),
          UpdateExpression:
            'SET due_shard = :refresh, due_at = :now, next_refresh_at = :now, list_shard = :listShard REMOVE parked, dispatch_token',
          ConditionExpression: `due_shard = :parked AND ${status === undefined ? 'attribute_not_exists(#status)' : '#status = :status'}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':refresh': REFRESH_SHARD,
            ':now': now,
            ':parked': parkedShard(sellerId),
            ':listShard': orderListShard({ status }),
            ...(status !== undefined && { ':status': status }),
          },
        }),
      ),
    );
  }

  /**
   * Stops tracking an order: its item goes, so no refresh of it is dispatched again, and a worker
   * holding a message of it finds nothing to refresh (its save is conditioned on the item). `false`
   * when no order is tracked under this id.
   */
  remove(logisticsOrderId: string): Promise<boolean> {
    if (!fitsInKey(logisticsOrderId)) return Promise.resolve(false);
    return dynamo.conditional('untrack a logistics order', () =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: orderKey(logisticsOrderId),
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(expires_at) OR expires_at >= :nowSeconds)',
          ExpressionAttributeValues: { ':nowSeconds': this.nowSeconds() },
        }),
      ),
    );
  }

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
  async countParkedSellers(
    maxPages: number,
  ): Promise<{ readonly count: number; readonly complete: boolean }> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < maxPages; page++) {
      const { Count = 0, LastEvaluatedKey } = await dynamo.call('count parked sellers', () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: DUE_INDEX,
            KeyConditionExpression: 'due_shard = :shard',
            ExpressionAttributeValues: { ':shard': PARKED_SELLERS_SHARD },
            Select: 'COUNT',
            ...(start && { ExclusiveStartKey: start }),
          }),
        ),
      );
      count += Count;
      if (!LastEvaluatedKey) return { count, complete: true };
      start = LastEvaluatedKey;
    }
    return { count, complete: false };
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

  /** The seller's orders are all back in the refresh; unless it was parked again on another session. */
  clearSellerParked(sellerId: string, fingerprint: string): Promise<boolean> {
    return dynamo.conditional('clear a parked seller', () =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: parkedSellerKey(sellerId),
          ConditionExpression: 'session_fingerprint = :fingerprint',
          ExpressionAttributeValues: { ':fingerprint': fingerprint },
        }),
      ),
    );
  }

  async #query(
    shard: string,
    limit: number,
    start?: Record<string, unknown>,
    dueAt?: number,
  ): Promise<IndexPage<Record<string, unknown>>> {
    const { Items = [], LastEvaluatedKey } = await dynamo.call('list the index', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: DUE_INDEX,
          KeyConditionExpression:
            dueAt === undefined ? 'due_shard = :shard' : 'due_shard = :shard AND due_at < :dueBy',
          ExpressionAttributeValues: {
            ':shard': shard,
            ...(dueAt !== undefined && { ':dueBy': dueBy(dueAt) }),
          },
          Limit: limit,
          ...(start && { ExclusiveStartKey: start }),
        }),
      ),
    );
    return { items: Items, next: LastEvaluatedKey };
  }
}
