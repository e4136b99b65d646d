import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { LeaseLostError, OperationTooLargeError } from './errors.ts';
import { isOperationId } from './identity.ts';
import { itemKey, OPERATIONS_STORE } from './keys.ts';
import type { Operation } from './operation.ts';
import { operationFromItem, operationToItem } from './operation-item.ts';
import { DUE_INDEX, DUE_SHARD, dueBy, indexTime, OPERATIONS_KEY } from './table.ts';

/** A due operation as the sparse index lists it. */
export interface DueOperation {
  readonly operationId: string;
  readonly dueAt: number;
}

/** What {@link OperationsStore.create} did: wrote the operation, or met a live one under its id. */
export type CreateResult =
  | { readonly created: true }
  | { readonly created: false; readonly existing: Operation | undefined };

/** How an operation is taken for an attempt: when due (retry, lapsed lease) or by an operator's replay. */
export type AcquireMode = 'due' | 'replay';

const dynamo = storeCalls(OPERATIONS_STORE);

/**
 * The operation records of the operations table: idempotency and the outbox. The table also holds
 * the shared ban (`BanStore`), the ordering guards (`OrderGuardStore`) and the dedupe markers
 * (`DedupeStore`). Every write is a single-item conditional write, alike on DynamoDB and dynalite.
 */
export class OperationsStore extends TableStore {
  /**
   * Writes a new operation, or tells what holds its id: one conditional write, which on DynamoDB
   * brings back the live record it met (`ALL_OLD`); read once more only where the store does not
   * (the local DynamoDB). `existing` is `undefined` when that record has gone meanwhile.
   */
  async create(operation: Operation): Promise<CreateResult> {
    const item = operationToItem(operation);
    if (itemSize(item) > MAX_ITEM_BYTES) {
      throw new OperationTooLargeError({ cause: new Error(`item of about ${itemSize(item)} bytes`) });
    }
    const outcome = await dynamo.conditionalMeeting('create an operation', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          // A record past its TTL may linger until DynamoDB deletes it: it no longer counts.
          ConditionExpression: `attribute_not_exists(${OPERATIONS_KEY}) OR expires_at < :nowSeconds`,
          ExpressionAttributeValues: { ':nowSeconds': this.nowSeconds() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (outcome.written) return { created: true };
    return {
      created: false,
      existing: outcome.met ? operationFromItem(outcome.met) : await this.get(operation.operation_id),
    };
  }

  /** The operation, or `undefined`; an id that cannot exist is not looked up (it may not fit a key). */
  async get(operationId: string): Promise<Operation | undefined> {
    if (!isOperationId(operationId)) return undefined;
    const { Item } = await this.#call('read an operation', () =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: itemKey.operation(operationId), ConsistentRead: true }),
      ),
    );
    if (!Item || (Item.expires_at as number) < this.nowSeconds()) return undefined;
    return operationFromItem(Item);
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
    const now = this.now();
    const replay = mode === 'replay';
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.operation(operationId),
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
            ':dueAt': indexTime(lease.expiresAt, itemKey.operation(operationId).pk),
            ':shard': DUE_SHARD,
            ':now': now,
            ...(replay
              ? { ':zero': 0, ':dead': 'DEAD', ':failed': 'FAILED' }
              : { ':pending': 'PENDING_RETRY', ':dueBy': dueBy(now) }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? operationFromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw new StoreUnavailableError(OPERATIONS_STORE, 'take an operation', { cause: error });
    }
  }

  /** Writes the outcome of an attempt; only the holder of the lease may. */
  async settle(operation: Operation, leaseToken: string): Promise<Operation> {
    const written = await this.#conditional('record an outcome', async () => {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: operationToItem(operation),
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
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'due_shard = :shard AND due_at < :dueBy',
          ExpressionAttributeValues: { ':shard': DUE_SHARD, ':dueBy': dueBy(this.now()) },
          Limit: limit,
        }),
      ),
    );
    return Items.map((item) => ({
      operationId: String(item[OPERATIONS_KEY]).slice('op#'.length),
      dueAt: Math.floor(item.due_at as number),
    }));
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
