import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { itemKey, OPERATIONS_STORE } from './keys.ts';
import { OPERATIONS_KEY } from './table.ts';

const dynamo = storeCalls(OPERATIONS_STORE);
// A marker released between our write and our read is tried again; a few rounds settle it.
const HOLD_ROUNDS = 3;

/**
 * The dedupe markers of the operations table: which operation may send a fact (a fulfilment of one
 * order and tracking number), so two deliveries of one fact under different ids send it once.
 */
export class DedupeStore extends TableStore {
  /**
   * Makes `operationId` the one operation that may send the fact `key`. Returns the holder:
   * `operationId` itself when it got (or already had) the marker. One write, which brings back the
   * marker it met; a read only where the store does not (the local DynamoDB).
   */
  async hold(key: string, operationId: string, expiresAt: number): Promise<string> {
    for (let round = 0; round < HOLD_ROUNDS; round++) {
      const outcome = await dynamo.conditionalMeeting('claim a fulfilment', () =>
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...itemKey.dedupe(key), operation_id: operationId, expires_at: expiresAt },
            ConditionExpression: `attribute_not_exists(${OPERATIONS_KEY}) OR operation_id = :me OR expires_at < :nowSeconds`,
            ExpressionAttributeValues: { ':me': operationId, ':nowSeconds': this.nowSeconds() },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      if (outcome.written) return operationId;
      const met = outcome.met ?? (await this.#read(key));
      if (typeof met?.operation_id === 'string') return met.operation_id;
    }
    throw new StoreUnavailableError(OPERATIONS_STORE, 'claim a fulfilment', {
      cause: new Error('the marker kept changing hands'),
    });
  }

  /** Moves the fact `key` from `from` (which can no longer send it) to `to`; `false` if it moved meanwhile. */
  take(key: string, from: string, to: string, expiresAt: number): Promise<boolean> {
    return dynamo.conditional('take over a fulfilment', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...itemKey.dedupe(key), operation_id: to, expires_at: expiresAt },
          ConditionExpression: 'operation_id = :from',
          ExpressionAttributeValues: { ':from': from },
        }),
      ),
    );
  }

  /** Lets another operation send the fact again (ours will not). */
  async release(key: string, operationId: string): Promise<void> {
    await dynamo.conditional('release a fulfilment', () =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: itemKey.dedupe(key),
          ConditionExpression: 'operation_id = :me',
          ExpressionAttributeValues: { ':me': operationId },
        }),
      ),
    );
  }

  async #read(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await dynamo.call('read a fulfilment claim', () =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: itemKey.dedupe(key), ConsistentRead: true }),
      ),
    );
    return Item;
  }
}
