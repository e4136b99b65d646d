import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { LeaseLostError, OperationTooLargeError } from './errors.ts';
import { isOperationId } from './identity.ts';
import { itemKey, OPERATIONS_STORE } from './keys.ts';
import {
  countListEntries,
  type IndexPage,
  type ListPosition,
  type ListRange,
  readListPage,
  type SendQuery,
} from './list-index.ts';
import type { Flow, Operation, OperationError, OperationStatus } from './operation.ts';
import { listedOperationFromEntry, operationFromItem, operationToItem } from './operation-item.ts';
import { DUE_INDEX, DUE_SHARD, dueBy, indexTime, OPERATIONS_KEY, operationListShard } from './table.ts';

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

/**
 * A replay that takes the operation only as it was listed: still in that status and not written
 * since (`updated_at`). Two bulk replays that listed the same operation then attempt it once: the
 * first takes it, and its attempt's writes change what the second expects.
 */
export interface ReplayExpectation {
  readonly status: 'DEAD' | 'FAILED';
  readonly updatedAt: number;
}

/** Which operations an operator lists: one status, optionally one flow and a creation window. */
export interface OperationListQuery {
  readonly status: OperationStatus;
  readonly flow?: Flow | undefined;
  /** Creation time, epoch ms: from `since` (inclusive) to `until` (exclusive). */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
}

/** An operation as the `list` index holds it: no request, no result. */
export interface ListedOperation {
  readonly operation_id: string;
  readonly flow: Flow;
  readonly status: OperationStatus;
  readonly attempts: number;
  readonly created_at: number;
  readonly updated_at: number;
  readonly last_error?: OperationError | undefined;
}

export type { ListPosition } from './list-index.ts';

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
    expect?: ReplayExpectation,
  ): Promise<Operation | undefined> {
    if (!isOperationId(operationId)) return undefined;
    const now = this.now();
    const replay = mode === 'replay';
    const condition = !replay
      ? 'due_at < :dueBy AND #status IN (:pending, :inProgress)'
      : expect
        ? '#status = :expected AND updated_at = :seen'
        : '#status IN (:dead, :failed)';
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.operation(operationId),
          // `list_shard` follows the status, as operationToItem writes it.
          UpdateExpression: `SET #status = :inProgress, list_shard = :listShard, lease_token = :token, lease_expires_at = :expires,
            due_shard = :shard, due_at = :dueAt, updated_at = :now${replay ? ', attempts = :zero, budget_started_at = :now' : ''}
            REMOVE next_attempt_at`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':inProgress': 'IN_PROGRESS',
            ':listShard': operationListShard('IN_PROGRESS'),
            ':token': lease.token,
            ':expires': lease.expiresAt,
            ':dueAt': indexTime(lease.expiresAt, itemKey.operation(operationId).pk),
            ':shard': DUE_SHARD,
            ':now': now,
            ...(!replay
              ? { ':pending': 'PENDING_RETRY', ':dueBy': dueBy(now) }
              : expect
                ? { ':zero': 0, ':expected': expect.status, ':seen': expect.updatedAt }
                : { ':zero': 0, ':dead': 'DEAD', ':failed': 'FAILED' }),
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

  /**
   * A page of the operations of one status from the `list` index (no Scan), newest first by
   * default, from `after`. `flow` is a FilterExpression (the partition is the status); records past
   * their TTL that DynamoDB has not deleted yet are filtered out too.
   */
  list(
    query: OperationListQuery,
    limit: number,
    after?: ListPosition,
    order: 'newest' | 'oldest' = 'newest',
  ): Promise<IndexPage<ListedOperation>> {
    return readListPage(this.#query, this.table, this.#range(query), order, limit, after, async (entries) =>
      entries.map(listedOperationFromEntry),
    );
  }

  /** How many live operations have `status`, reading at most `maxPages` pages of 1 MB of entries. */
  count(status: OperationStatus, maxPages: number) {
    return countListEntries(this.#query, this.table, this.#range({ status }), maxPages);
  }

  #range(query: OperationListQuery): ListRange {
    const flow = query.flow !== undefined;
    return {
      shard: operationListShard(query.status),
      since: query.since,
      until: query.until,
      filter: {
        expression: `expires_at >= :nowSeconds${flow ? ' AND #flow = :flow' : ''}`,
        values: { ':nowSeconds': this.nowSeconds(), ...(flow && { ':flow': query.flow }) },
        ...(flow && { names: { '#flow': 'flow' } }),
      },
    };
  }

  #query: SendQuery = (input) => this.#call('list operations', () => this.doc.send(new QueryCommand(input)));

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
