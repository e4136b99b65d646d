import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
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

/** How an operation is taken for an attempt: when due (retry, lapsed lease) or by an operator's replay. */
export type AcquireMode = 'due' | 'replay';

const STORE = 'operations store';
const dynamo = storeCalls(STORE);

const opKey = (operationId: string) => ({ pk: `op#${operationId}` });

/**
 * The operation records of the operations table: idempotency and the outbox. The table also holds
 * the shared ban (`BanStore`), the ordering guards (`OrderGuardStore`) and the dedupe markers
 * (`DedupeStore`). Every write is a single-item conditional write, alike on DynamoDB and dynalite.
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
