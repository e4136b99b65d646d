import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { countQuery } from '#lib/dynamo/count.ts';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { errorName, type Log } from '#lib/observability/log.ts';
import { DUE_INDEX, dueBy, indexTime } from '#lib/operations/table.ts';
import type { SellerRecord } from './seller.ts';
import { sellerFromItem, sellerToItem } from './seller-item.ts';
import { SELLER_SHARDS, SELLERS_STORE, sellerKeys } from './table.ts';

const dynamo = storeCalls(SELLERS_STORE);
const SELLER_KEY_PREFIX = 'seller#';
// BatchGetItem takes at most 100 keys a request.
const BATCH_GET_MAX = 100;

/**
 * The sellers who authorized the app: one record each, holding dates and state but never a token,
 * indexed by when the renewal must look at them next. One holder at a time changes a seller (a
 * lease), since a refresh token works only once.
 */
export class SellerRegistry extends TableStore {
  async get(sellerId: string): Promise<SellerRecord | undefined> {
    const { Item } = await dynamo.call('read a seller', () =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: sellerKeys.seller(sellerId), ConsistentRead: true }),
      ),
    );
    return Item ? sellerFromItem(Item) : undefined;
  }

  /**
   * Takes the seller for `token` until `until` (epoch ms) unless another holder's lease is still
   * running; the record as it now stands, or `undefined` when it is held. A seller not seen before
   * gets a record with no authorization, looked at again when the lease lapses.
   */
  async hold(sellerId: string, token: string, until: number): Promise<SellerRecord | undefined> {
    const key = sellerKeys.seller(sellerId);
    let held: Record<string, unknown> | undefined;
    const written = await dynamo.conditional('hold a seller', async () => {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET seller_id = :id, lease_token = :token, lease_expires_at = :until, due_shard = if_not_exists(due_shard, :shard), due_at = if_not_exists(due_at, :due)',
          ConditionExpression: 'attribute_not_exists(lease_expires_at) OR lease_expires_at < :now',
          ExpressionAttributeValues: {
            ':id': sellerId,
            ':token': token,
            ':until': until,
            ':now': this.now(),
            ':shard': SELLER_SHARDS.renew,
            ':due': indexTime(until, key.pk),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      held = Attributes;
    });
    return written && held ? sellerFromItem(held) : undefined;
  }

  /** Writes the record and gives the seller back, if `token` still holds it; `false` when it does not. */
  async save(record: SellerRecord, token: string): Promise<boolean> {
    const { lease_token: _, lease_expires_at: __, ...rest } = record;
    return dynamo.conditional('save a seller', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: sellerToItem(rest, this.now()),
          ConditionExpression: 'lease_token = :token',
          ExpressionAttributeValues: { ':token': token },
        }),
      ),
    );
  }

  /** Gives the seller back unchanged; a record that never got an authorization is removed. */
  async release(record: SellerRecord, token: string): Promise<void> {
    const key = sellerKeys.seller(record.seller_id);
    await dynamo.conditional('give a seller back', () =>
      this.doc.send(
        record.authorization
          ? new UpdateCommand({
              TableName: this.table,
              Key: key,
              UpdateExpression: 'REMOVE lease_token, lease_expires_at',
              ConditionExpression: 'lease_token = :token',
              ExpressionAttributeValues: { ':token': token },
            })
          : new DeleteCommand({
              TableName: this.table,
              Key: key,
              // `authorization` is a reserved word in expressions: named through a placeholder.
              ConditionExpression: 'lease_token = :token AND attribute_not_exists(#authorization)',
              ExpressionAttributeNames: { '#authorization': 'authorization' },
              ExpressionAttributeValues: { ':token': token },
            }),
      ),
    );
  }

  /** {@link release}, for a holder that gives up: a failure is logged, and the lease lapses anyway. */
  async releaseOrLog(record: SellerRecord, token: string, log: Log): Promise<void> {
    await this.release(record, token).catch((cause: unknown) => {
      log.warn('seller not given back; its lease will lapse', {
        seller_id: record.seller_id,
        error: errorName(cause),
      });
    });
  }

  /** Sellers the renewal must look at by `now`, at most `limit`, the most overdue first. */
  async due(now: number, limit: number): Promise<string[]> {
    const [soon, renew] = await Promise.all(
      [SELLER_SHARDS.renewSoon, SELLER_SHARDS.renew].map((shard) =>
        this.#entriesIn(shard, limit, dueBy(now)),
      ),
    );
    return [...(soon ?? []), ...(renew ?? [])]
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit)
      .map((entry) => entry.sellerId);
  }

  /** Every seller with an authorization, by `seller_id`. */
  async list(): Promise<SellerRecord[]> {
    const ids = (
      await Promise.all(
        Object.values(SELLER_SHARDS).map((shard) => this.#entriesIn(shard, Number.POSITIVE_INFINITY)),
      )
    )
      .flat()
      .map((entry) => entry.sellerId);
    const records: SellerRecord[] = [];
    for (let start = 0; start < ids.length; start += BATCH_GET_MAX) {
      records.push(...(await this.#getMany(ids.slice(start, start + BATCH_GET_MAX))));
    }
    return records
      .filter((record) => record.authorization)
      .sort((a, b) => (a.seller_id < b.seller_id ? -1 : a.seller_id > b.seller_id ? 1 : 0));
  }

  /** How many sellers are REAUTHORIZE_SOON and REAUTHORIZE, as the index holds them. */
  async counts(): Promise<{ readonly reauthorizeSoon: number; readonly reauthorize: number }> {
    const [reauthorizeSoon, reauthorize] = await Promise.all([
      this.#count(SELLER_SHARDS.renewSoon),
      this.#count(SELLER_SHARDS.reauthorize),
    ]);
    return { reauthorizeSoon, reauthorize };
  }

  /** The sellers an index partition lists, in `due_at` order, at most `limit`. */
  async #entriesIn(
    shard: string,
    limit: number,
    dueBefore?: number,
  ): Promise<{ readonly sellerId: string; readonly dueAt: number }[]> {
    const ids: { sellerId: string; dueAt: number }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.call('list sellers', () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: DUE_INDEX,
            KeyConditionExpression:
              dueBefore === undefined ? 'due_shard = :shard' : 'due_shard = :shard AND due_at < :before',
            ExpressionAttributeValues: {
              ':shard': shard,
              ...(dueBefore !== undefined && { ':before': dueBefore }),
            },
            ...(Number.isFinite(limit) && { Limit: limit - ids.length }),
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const pk = String(item.pk);
        if (pk.startsWith(SELLER_KEY_PREFIX))
          ids.push({ sellerId: pk.slice(SELLER_KEY_PREFIX.length), dueAt: Number(item.due_at) });
      }
      start = page.LastEvaluatedKey;
    } while (start && ids.length < limit);
    return ids;
  }

  async #getMany(ids: readonly string[]): Promise<SellerRecord[]> {
    const found: SellerRecord[] = [];
    let keys: Record<string, unknown>[] = ids.map((id) => sellerKeys.seller(id));
    // BatchGetItem may leave keys unprocessed under load: ask again for those, a bounded number of times.
    for (let round = 0; keys.length > 0 && round < 5; round++) {
      const { Responses, UnprocessedKeys } = await dynamo.call('read sellers', () =>
        this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } })),
      );
      found.push(...(Responses?.[this.table] ?? []).map(sellerFromItem));
      keys = (UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
    }
    if (keys.length > 0) {
      throw new StoreUnavailableError(SELLERS_STORE, 'read sellers', {
        cause: new Error(`${keys.length} keys left unprocessed`),
      });
    }
    return found;
  }

  async #count(shard: string): Promise<number> {
    const { count } = await countQuery(
      (input) => dynamo.call('count sellers', () => this.doc.send(new QueryCommand(input))),
      {
        TableName: this.table,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'due_shard = :shard',
        ExpressionAttributeValues: { ':shard': shard },
      },
    );
    return count;
  }
}
