import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClient, storeCalls } from '#lib/dynamo/calls.ts';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { LeaseLostError, OperationTooLargeError } from './errors.ts';
import { isOperationId } from './identity.ts';
import type { Operation } from './operation.ts';
import { DUE_INDEX, DUE_SHARD, dueBy, indexTime } from './table.ts';

export interface OperationsStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => number;
}

/** A due operation as the sparse index lists it. */
export interface DueOperation {
  readonly operationId: string;
  readonly dueAt: number;
}

/** What the ordering guard of one delivery-order key knows of the last event delivered for it. */
export interface OrderHistory {
  /** `occurred_at` of that event, epoch ms; 0 when none was delivered (or the record expired). */
  readonly lastOccurredAt: number;
  readonly lastStatus: string | undefined;
  /** The operation that delivered it. */
  readonly operationId: string | undefined;
}

/** How an operation is taken for an attempt: when due (retry, lapsed lease) or by an operator's replay. */
export type AcquireMode = 'due' | 'replay';

const STORE = 'operations store';
const dynamo = storeCalls(STORE);

const opKey = (operationId: string) => ({ pk: `op#${operationId}` });
const BAN_KEY = { pk: 'ban#top' };
const orderKey = (key: string) => ({ pk: `order#${key}` });
const dedupeKey = (key: string) => ({ pk: `dedupe#${key}` });

/**
 * The operations table: operation records (idempotency + outbox), the shared rate-limit ban,
 * the ordering guard of delivery orders and the fulfilment dedupe markers.
 * Every write is a single-item conditional write, which behaves alike on DynamoDB and dynalite.
 */
export class OperationsStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => number;

  constructor(options: OperationsStoreOptions) {
    this.#doc = documentClient(options.client);
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
  }

  /** Writes a new operation; `false` when a live record already holds the id. */
  async create(operation: Operation): Promise<boolean> {
    return this.#conditional('create an operation', async () => {
      const item = toItem(operation);
      if (itemSize(item) > MAX_ITEM_BYTES) {
        throw new OperationTooLargeError({ cause: new Error(`item of about ${itemSize(item)} bytes`) });
      }
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: item,
          // A record past its TTL may linger until DynamoDB deletes it: it no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :nowSeconds',
          ExpressionAttributeValues: { ':nowSeconds': this.#nowSeconds() },
        }),
      );
    });
  }

  /** The operation, or `undefined`; an id that cannot exist is not looked up (it may not fit a key). */
  async get(operationId: string): Promise<Operation | undefined> {
    if (!isOperationId(operationId)) return undefined;
    const { Item } = await this.#call('read an operation', () =>
      this.#doc.send(
        new GetCommand({ TableName: this.#table, Key: opKey(operationId), ConsistentRead: true }),
      ),
    );
    if (!Item || (Item.expires_at as number) < this.#nowSeconds()) return undefined;
    return fromItem(Item);
  }

  /**
   * Takes an operation for an attempt under a new lease; `undefined` when it is not takeable
   * (another invocation won the race, or it is not due / not replayable).
   */
  async acquire(
    operationId: string,
    mode: AcquireMode,
    lease: { readonly token: string; readonly expiresAt: number },
  ): Promise<Operation | undefined> {
    if (!isOperationId(operationId)) return undefined;
    const now = this.#now();
    const replay = mode === 'replay';
    try {
      const { Attributes } = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: opKey(operationId),
          UpdateExpression: `SET #status = :inProgress, lease_token = :token, lease_expires_at = :expires,
            due_shard = :shard, due_at = :dueAt, updated_at = :now${replay ? ', attempts = :zero, budget_started_at = :now' : ''}
            REMOVE next_attempt_at`,
          ConditionExpression: replay
            ? '#status IN (:dead, :failed)'
            : 'due_at < :dueBy AND #status IN (:pending, :inProgress)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':inProgress': 'IN_PROGRESS',
            ':token': lease.token,
            ':expires': lease.expiresAt,
            ':dueAt': indexTime(lease.expiresAt, `op#${operationId}`),
            ':shard': DUE_SHARD,
            ':now': now,
            ...(replay
              ? { ':zero': 0, ':dead': 'DEAD', ':failed': 'FAILED' }
              : { ':pending': 'PENDING_RETRY', ':dueBy': dueBy(now) }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw new StoreUnavailableError(STORE, 'take an operation', { cause: error });
    }
  }

  /** Writes the outcome of an attempt; only the holder of the lease may. */
  async settle(operation: Operation, leaseToken: string): Promise<Operation> {
    const written = await this.#conditional('record an outcome', async () => {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: toItem(operation),
          ConditionExpression: 'lease_token = :token AND #status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':token': leaseToken, ':inProgress': 'IN_PROGRESS' },
        }),
      );
    });
    if (!written) throw new LeaseLostError(operation.operation_id);
    return operation;
  }

  /** Operations due at `now` (retries, lapsed leases), oldest first, from the sparse index. */
  async due(limit: number): Promise<DueOperation[]> {
    const { Items = [] } = await this.#call('list due operations', () =>
      this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'due_shard = :shard AND due_at < :dueBy',
          ExpressionAttributeValues: { ':shard': DUE_SHARD, ':dueBy': dueBy(this.#now()) },
          Limit: limit,
        }),
      ),
    );
    return Items.map((item) => ({
      operationId: String(item.pk).slice('op#'.length),
      dueAt: Math.floor(item.due_at as number),
    }));
  }

  /** When TOP's rate-limit ban ends (epoch ms); 0 when there is none. Shared by every invocation. */
  async banUntil(): Promise<number> {
    const { Item } = await this.#call('read the rate-limit ban', () =>
      this.#doc.send(new GetCommand({ TableName: this.#table, Key: BAN_KEY })),
    );
    return typeof Item?.until === 'number' ? Item.until : 0;
  }

  /** Extends the shared ban to `until`; a shorter ban never shortens a longer one. */
  async extendBan(until: number): Promise<void> {
    await this.#conditional('record a rate-limit ban', async () => {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...BAN_KEY, until, expires_at: Math.ceil(until / 1000) + 86_400 },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :until',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':until': until },
        }),
      );
    });
  }

  /**
   * Holds the ordering guard of each key for `operationId` until `holdUntil` (its lease), so one
   * event of a delivery order is in flight at a time. Keys are taken in order, and all given back
   * when one is held by another operation: `undefined` then. Otherwise what each guard knows of
   * the last event delivered for it.
   */
  async holdOrders(
    keys: readonly string[],
    operationId: string,
    holdUntil: number,
    expiresAt: number,
  ): Promise<OrderHistory[] | undefined> {
    const held: string[] = [];
    const histories: OrderHistory[] = [];
    for (const key of [...keys].sort()) {
      const item = await this.#holdOrder(key, operationId, holdUntil, expiresAt);
      if (!item) {
        await this.releaseOrders(held, operationId);
        return undefined;
      }
      held.push(key);
      histories.push(orderHistory(item, this.#nowSeconds()));
    }
    return histories;
  }

  async #holdOrder(key: string, operationId: string, holdUntil: number, expiresAt: number) {
    try {
      const { Attributes } = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: orderKey(key),
          // A guard past its TTL keeps its old expiry, so its history still reads as gone.
          UpdateExpression:
            'SET holder = :me, holder_until = :until, expires_at = if_not_exists(expires_at, :expires)',
          ConditionExpression: 'attribute_not_exists(holder) OR holder = :me OR holder_until < :now',
          ExpressionAttributeValues: {
            ':me': operationId,
            ':until': holdUntil,
            ':expires': expiresAt,
            ':now': this.#now(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ?? {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw new StoreUnavailableError(STORE, 'hold the ordering guard', { cause: error });
    }
  }

  /** Gives back the ordering guards `operationId` holds; a guard another operation took is left alone. */
  async releaseOrders(keys: readonly string[], operationId: string): Promise<void> {
    for (const key of keys) {
      await this.#conditional('release the ordering guard', async () => {
        await this.#doc.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: orderKey(key),
            UpdateExpression: 'REMOVE holder, holder_until',
            ConditionExpression: 'holder = :me',
            ExpressionAttributeValues: { ':me': operationId },
          }),
        );
      });
    }
  }

  /**
   * Records that `operationId` delivered the event of `occurredAt` with `status`, moving each guard
   * forward (never back), and gives the guards back.
   */
  async advanceOrders(
    keys: readonly string[],
    event: { readonly occurredAt: number; readonly status: string | undefined },
    operationId: string,
    expiresAt: number,
  ): Promise<void> {
    for (const key of keys) {
      const values = {
        ':at': event.occurredAt,
        ':status': event.status ?? '',
        ':me': operationId,
        ':expires': expiresAt,
        ':nowSeconds': this.#nowSeconds(),
      };
      const history =
        'SET last_occurred_at = :at, last_status = :status, operation_id = :me, expires_at = :expires';
      const newer =
        '(attribute_not_exists(last_occurred_at) OR last_occurred_at <= :at OR expires_at < :nowSeconds)';
      // Usually one write: still the holder, and the newest event so far.
      const advanced = await this.#conditional('advance the ordering guard', async () => {
        await this.#doc.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: orderKey(key),
            UpdateExpression: `${history} REMOVE holder, holder_until`,
            ConditionExpression: `holder = :me AND ${newer}`,
            ExpressionAttributeValues: values,
          }),
        );
      });
      if (advanced) continue;
      // Our hold lapsed meanwhile, or a newer event got there first: history only moves forward.
      await this.#conditional('advance the ordering guard', async () => {
        await this.#doc.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: orderKey(key),
            UpdateExpression: history,
            ConditionExpression: newer,
            ExpressionAttributeValues: values,
          }),
        );
      });
      await this.releaseOrders([key], operationId);
    }
  }

  /**
   * Makes `operationId` the one operation that may send the fact `key`.
   * Returns the holder: `operationId` itself when it got (or already had) the marker.
   */
  async holdFact(key: string, operationId: string, expiresAt: number): Promise<string> {
    // A marker released between our write and our read is tried again; a few rounds settle it.
    for (let round = 0; round < 3; round++) {
      const held = await this.#conditional('claim a fulfilment', async () => {
        await this.#doc.send(
          new PutCommand({
            TableName: this.#table,
            Item: { ...dedupeKey(key), operation_id: operationId, expires_at: expiresAt },
            ConditionExpression: 'attribute_not_exists(pk) OR operation_id = :me OR expires_at < :nowSeconds',
            ExpressionAttributeValues: { ':me': operationId, ':nowSeconds': this.#nowSeconds() },
          }),
        );
      });
      if (held) return operationId;
      const { Item } = await this.#call('read a fulfilment claim', () =>
        this.#doc.send(new GetCommand({ TableName: this.#table, Key: dedupeKey(key), ConsistentRead: true })),
      );
      if (typeof Item?.operation_id === 'string') return Item.operation_id;
    }
    throw new StoreUnavailableError(STORE, 'claim a fulfilment', {
      cause: new Error('the marker kept changing hands'),
    });
  }

  /** Moves the fact `key` from `from` (which can no longer send it) to `to`; `false` if it moved meanwhile. */
  takeFact(key: string, from: string, to: string, expiresAt: number): Promise<boolean> {
    return this.#conditional('take over a fulfilment', async () => {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...dedupeKey(key), operation_id: to, expires_at: expiresAt },
          ConditionExpression: 'operation_id = :from',
          ExpressionAttributeValues: { ':from': from },
        }),
      );
    });
  }

  /** Lets another operation send the fact again (ours will not). */
  async releaseFact(key: string, operationId: string): Promise<void> {
    await this.#conditional('release a fulfilment', async () => {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: dedupeKey(key),
          ConditionExpression: 'operation_id = :me',
          ExpressionAttributeValues: { ':me': operationId },
        }),
      );
    });
  }

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  #call<T>(action: string, send: () => Promise<T>): Promise<T> {
    return dynamo.call(action, send);
  }

  #conditional(action: string, write: () => Promise<void>): Promise<boolean> {
    return dynamo.conditional(action, write, (error) => error instanceof OperationTooLargeError);
  }
}

// DynamoDB's item limit, less room for the fields later outcomes add (result, error, lease).
const MAX_ITEM_BYTES = 380 * 1024;

/** The item's size as DynamoDB counts it, near enough: names and values in UTF-8. */
const itemSize = (item: Record<string, unknown>): number => Buffer.byteLength(JSON.stringify(item));

/** The stored item: the operation, its key, and its place in the due index when it has one. */
function toItem(operation: Operation): Record<string, unknown> {
  const dueAt =
    operation.status === 'PENDING_RETRY'
      ? operation.next_attempt_at
      : operation.status === 'IN_PROGRESS'
        ? operation.lease_expires_at
        : undefined;
  return {
    ...opKey(operation.operation_id),
    ...operation,
    ...(dueAt === undefined
      ? {}
      : { due_shard: DUE_SHARD, due_at: indexTime(dueAt, opKey(operation.operation_id).pk) }),
  };
}

function fromItem(item: Record<string, unknown>): Operation {
  const { pk: _pk, due_shard: _shard, due_at: _due, ...operation } = item;
  return operation as unknown as Operation;
}

function orderHistory(item: Record<string, unknown>, nowSeconds: number): OrderHistory {
  const expired = typeof item.expires_at === 'number' && item.expires_at < nowSeconds;
  if (expired || typeof item.last_occurred_at !== 'number') {
    return { lastOccurredAt: 0, lastStatus: undefined, operationId: undefined };
  }
  return {
    lastOccurredAt: item.last_occurred_at,
    lastStatus:
      typeof item.last_status === 'string' && item.last_status !== '' ? item.last_status : undefined,
    operationId: typeof item.operation_id === 'string' ? item.operation_id : undefined,
  };
}
