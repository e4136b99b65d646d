import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { conditionalWrite, documentClient, storeCall } from './dynamo.ts';
import { LeaseLostError, OperationTooLargeError, StoreUnavailableError } from './errors.ts';
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

/** How an operation is taken for an attempt: when due (retry, lapsed lease) or by an operator's replay. */
export type AcquireMode = 'due' | 'replay';

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
      throw new StoreUnavailableError('take an operation', { cause: error });
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

  /** The latest `occurred_at` delivered for each ordering key (0 for none), the newest of them. */
  async lastDelivered(keys: readonly string[]): Promise<number> {
    const items = await Promise.all(
      keys.map(async (key) => {
        const { Item } = await this.#call('read the ordering guard', () =>
          this.#doc.send(
            new GetCommand({ TableName: this.#table, Key: orderKey(key), ConsistentRead: true }),
          ),
        );
        return typeof Item?.last_occurred_at === 'number' ? Item.last_occurred_at : 0;
      }),
    );
    return Math.max(0, ...items);
  }

  /** Moves each ordering key forward to `occurredAt`; never backwards. */
  async markDelivered(keys: readonly string[], occurredAt: number, operationId: string, expiresAt: number) {
    for (const key of keys) {
      await this.#conditional('advance the ordering guard', async () => {
        await this.#doc.send(
          new PutCommand({
            TableName: this.#table,
            Item: {
              ...orderKey(key),
              last_occurred_at: occurredAt,
              operation_id: operationId,
              expires_at: expiresAt,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR last_occurred_at < :at',
            ExpressionAttributeValues: { ':at': occurredAt },
          }),
        );
      });
    }
  }

  /**
   * Makes `operationId` the one operation that may send the fact `key`.
   * Returns the holder: `operationId` itself when it got (or already had) the marker.
   */
  async holdFact(key: string, operationId: string, expiresAt: number): Promise<string> {
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
    // Released between our write and this read: try once more rather than report no holder.
    return typeof Item?.operation_id === 'string'
      ? Item.operation_id
      : this.holdFact(key, operationId, expiresAt);
  }

  /** Lets another operation send the fact again (ours failed for good). */
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
    return storeCall(action, send);
  }

  #conditional(action: string, write: () => Promise<void>): Promise<boolean> {
    return conditionalWrite(action, write, (error) => error instanceof OperationTooLargeError);
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
