import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { type TableOptions, TableStore } from '#lib/dynamo/table-store.ts';
import { fitsInKey } from '#lib/flows/key-field.ts';
import { DUE_INDEX, dueBy, indexTime } from '#lib/operations/table.ts';
import type { TrackedOrder } from './order.ts';
import { orderFromItem, orderIdFromKey, orderKey, orderListShard, orderToItem } from './order-item.ts';
import { TrackedOrderLists } from './order-lists.ts';
import {
  type ParkedSeller,
  parkedSellerFromItem,
  parkedSellerKey,
  parkedSellerToItem,
} from './parked-seller-item.ts';
import { PARKED_SELLERS_SHARD, parkedShard, REFRESH_SHARD } from './table.ts';

export type { MergedPosition } from '#lib/operations/list-index.ts';
export type { ListedOrder } from './order-item.ts';
export type { ParkedSeller } from './parked-seller-item.ts';

const dynamo = storeCalls('logistics-orders store');

// BatchGetItem takes at most 100 keys a request, and may leave some unprocessed under load.
const BATCH_GET_KEYS = 100;
const BATCH_GET_ROUNDS = 3;

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
  /** Pages and counts for the operator (`GET /logistics-orders`, `GET /status`). */
  readonly lists: TrackedOrderLists;

  constructor(options: TableOptions) {
    super(options);
    this.lists = new TrackedOrderLists(options);
  }

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
    return this.#liveOrder(Item, this.nowSeconds());
  }

  /** The order an item holds, unless it is absent or past its TTL (DynamoDB deletes those late). */
  #liveOrder(item: Record<string, unknown> | undefined, nowSeconds: number): TrackedOrder | undefined {
    if (!item || (typeof item.expires_at === 'number' && item.expires_at < nowSeconds)) return undefined;
    return orderFromItem(item);
  }

  /**
   * Several tracked orders at once (BatchGetItem, consistent reads), as {@link get} reads one: each
   * id maps to its order, or to `undefined` when none is tracked. An id whose key DynamoDB left
   * unprocessed after a few rounds is missing from the map: the caller reads it on its own.
   */
  async getMany(logisticsOrderIds: readonly string[]): Promise<Map<string, TrackedOrder | undefined>> {
    const read = new Map<string, TrackedOrder | undefined>();
    const ids = [...new Set(logisticsOrderIds)].filter((id) => fitsInKey(id));
    for (const id of logisticsOrderIds) if (!fitsInKey(id)) read.set(id, undefined);
    for (let i = 0; i < ids.length; i += BATCH_GET_KEYS) {
      const chunk = ids.slice(i, i + BATCH_GET_KEYS);
      const found = new Map<string, Record<string, unknown>>();
      let pending: Record<string, unknown>[] = chunk.map(orderKey);
      for (let round = 0; pending.length > 0 && round < BATCH_GET_ROUNDS; round++) {
        const { Responses, UnprocessedKeys } = await dynamo.call('read logistics orders', () =>
          this.doc.send(
            new BatchGetCommand({
              RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } },
            }),
          ),
        );
        for (const item of Responses?.[this.table] ?? []) found.set(String(item.pk), item);
        pending = (UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
      }
      const unprocessed = new Set(pending.map((key) => String(key.pk)));
      const nowSeconds = this.nowSeconds();
      for (const id of chunk) {
        const { pk } = orderKey(id);
        if (unprocessed.has(pk)) continue;
        read.set(id, this.#liveOrder(found.get(pk), nowSeconds));
      }
    }
    return read;
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
