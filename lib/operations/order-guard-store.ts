import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { itemKey, OPERATIONS_STORE } from './keys.ts';

/** What the ordering guard of one delivery-order key knows of the last event delivered for it. */
export interface OrderHistory {
  /** `occurred_at` of that event, epoch ms; 0 when none was delivered (or the record expired). */
  readonly lastOccurredAt: number;
  readonly lastStatus: string | undefined;
  /** The operation that delivered it. */
  readonly operationId: string | undefined;
}

const dynamo = storeCalls(OPERATIONS_STORE);

/** An event delivered for a delivery order, and the operation that delivered it. */
export interface DeliveredEvent {
  /** epoch ms */
  readonly occurredAt: number;
  readonly status: string | undefined;
  readonly operationId: string;
}

/**
 * The ordering guards of delivery orders, items of the operations table: which attempt holds a
 * delivery order's key now (by its lease token), and the last event delivered for it.
 */
export class OrderGuardStore extends TableStore {
  /**
   * Holds the ordering guard of each key for the attempt `holder` until `holdUntil` (its lease), so
   * one event of a delivery order is in flight at a time. Keys are taken in order, and all given back
   * when one is held by another operation: `undefined` then. Otherwise what each guard knows of
   * the last event delivered for it.
   */
  async hold(
    keys: readonly string[],
    holder: string,
    holdUntil: number,
    expiresAt: number,
  ): Promise<OrderHistory[] | undefined> {
    const held: string[] = [];
    const histories: OrderHistory[] = [];
    for (const key of [...keys].sort()) {
      const item = await this.#holdOne(key, holder, holdUntil, expiresAt);
      if (!item) {
        await this.release(held, holder);
        return undefined;
      }
      held.push(key);
      histories.push(orderHistory(item, this.nowSeconds()));
    }
    return histories;
  }

  async #holdOne(key: string, holder: string, holdUntil: number, expiresAt: number) {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.orderGuard(key),
          // A guard past its TTL keeps its old expiry, so its history still reads as gone.
          UpdateExpression:
            'SET holder = :me, holder_until = :until, expires_at = if_not_exists(expires_at, :expires)',
          ConditionExpression: 'attribute_not_exists(holder) OR holder = :me OR holder_until < :now',
          ExpressionAttributeValues: {
            ':me': holder,
            ':until': holdUntil,
            ':expires': expiresAt,
            ':now': this.now(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ?? {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw new StoreUnavailableError(OPERATIONS_STORE, 'hold the ordering guard', { cause: error });
    }
  }

  /** Gives back the ordering guards `holder` holds; a guard another attempt took is left alone. */
  async release(keys: readonly string[], holder: string): Promise<void> {
    // Each key on its own: all at once.
    await Promise.all(keys.map((key) => this.#releaseOne(key, holder)));
  }

  async #releaseOne(key: string, holder: string): Promise<void> {
    await dynamo.conditional('release the ordering guard', async () => {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.orderGuard(key),
          UpdateExpression: 'REMOVE holder, holder_until',
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': holder },
        }),
      );
    });
  }

  /**
   * Records that `event` was delivered, moving each guard forward (never back), and gives back the
   * guards `holder` holds.
   */
  async advance(
    keys: readonly string[],
    event: DeliveredEvent,
    holder: string,
    expiresAt: number,
  ): Promise<void> {
    // Each key's history is its own: all at once, so a delivery order's guards cost one round trip.
    await Promise.all(keys.map((key) => this.#advanceOne(key, event, holder, expiresAt)));
  }

  async #advanceOne(key: string, event: DeliveredEvent, holder: string, expiresAt: number): Promise<void> {
    const values = {
      ':at': event.occurredAt,
      ':status': event.status ?? '',
      ':op': event.operationId,
      ':expires': expiresAt,
      ':nowSeconds': this.nowSeconds(),
    };
    const history =
      'SET last_occurred_at = :at, last_status = :status, operation_id = :op, expires_at = :expires';
    const newer =
      '(attribute_not_exists(last_occurred_at) OR last_occurred_at <= :at OR expires_at < :nowSeconds)';
    // Usually one write: still the holder, and the newest event so far.
    const advanced = await dynamo.conditional('advance the ordering guard', async () => {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.orderGuard(key),
          UpdateExpression: `${history} REMOVE holder, holder_until`,
          ConditionExpression: `holder = :me AND ${newer}`,
          ExpressionAttributeValues: { ...values, ':me': holder },
        }),
      );
    });
    if (advanced) return;
    // Our hold lapsed meanwhile, or a newer event got there first: history only moves forward.
    await dynamo.conditional('advance the ordering guard', async () => {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.orderGuard(key),
          UpdateExpression: history,
          ConditionExpression: newer,
          ExpressionAttributeValues: values,
        }),
      );
    });
    await this.#releaseOne(key, holder);
  }
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
