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

/** One key of a delivery order, held. */
export interface HeldGuard {
  readonly key: string;
  readonly history: OrderHistory;
  /**
   * The operation of an attempt that held the key before and let its hold lapse: it may have
   * delivered its event without the history knowing.
   */
  readonly lapsedOperation?: string;
}

/** The attempt that holds a guard (by its lease token), and its operation. */
export interface GuardHolder {
  readonly token: string;
  readonly operationId: string;
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
   * when one is held by another attempt: `undefined` then. Otherwise each key, with what its guard
   * knows of the last event delivered for it.
   *
   * `unlessLastHolder`: not taken either when the holder's operation was the last to give the key
   * back, as a redelivery of an event already delivered would find it: taken alongside a claim
   * that may be such a redelivery, the hold then costs nothing to give back.
   */
  async hold(
    keys: readonly string[],
    holder: GuardHolder,
    holdUntil: number,
    expiresAt: number,
    options: { readonly unlessLastHolder?: boolean } = {},
  ): Promise<HeldGuard[] | undefined> {
    const held: HeldGuard[] = [];
    for (const key of [...keys].sort()) {
      const before = await this.#holdOne(key, holder, holdUntil, expiresAt, options.unlessLastHolder);
      if (!before) {
        await this.release(
          held.map((guard) => guard.key),
          holder,
        );
        return undefined;
      }
      held.push(heldGuard(key, before, holder.token, this.now(), this.nowSeconds()));
    }
    return held;
  }

  /** The guard as it was before this hold; `undefined` when another attempt holds it. */
  async #holdOne(
    key: string,
    holder: GuardHolder,
    holdUntil: number,
    expiresAt: number,
    unlessLastHolder = false,
  ) {
    const free = 'attribute_not_exists(holder) OR holder = :me OR holder_until < :now';
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.orderGuard(key),
          // A guard past its TTL keeps its old expiry, so its history still reads as gone.
          UpdateExpression:
            'SET holder = :me, holder_operation = :op, holder_until = :until, expires_at = if_not_exists(expires_at, :expires)',
          ConditionExpression: unlessLastHolder
            ? `(${free}) AND (attribute_not_exists(last_holder) OR last_holder <> :op)`
            : free,
          ExpressionAttributeValues: {
            ':me': holder.token,
            ':op': holder.operationId,
            ':until': holdUntil,
            ':expires': expiresAt,
            ':now': this.now(),
          },
          // What it was: the history, and a lapsed hold's operation.
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes ?? {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw new StoreUnavailableError(OPERATIONS_STORE, 'hold the ordering guard', { cause: error });
    }
  }

  /** Gives back the ordering guards `holder` holds; a guard another attempt took is left alone. */
  async release(keys: readonly string[], holder: GuardHolder): Promise<void> {
    // Each key on its own: all at once.
    await Promise.all(keys.map((key) => this.#releaseOne(key, holder)));
  }

  async #releaseOne(key: string, holder: GuardHolder): Promise<void> {
    await dynamo.conditional('release the ordering guard', async () => {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.orderGuard(key),
          UpdateExpression: `SET ${LAST_HOLDER} REMOVE ${HOLD}`,
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': holder.token, ':holderOp': holder.operationId },
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
    holder: GuardHolder,
    expiresAt: number,
  ): Promise<void> {
    // Each key's history is its own: all at once, so a delivery order's guards cost one round trip.
    await Promise.all(keys.map((key) => this.#advanceOne(key, event, holder, expiresAt)));
  }

  async #advanceOne(
    key: string,
    event: DeliveredEvent,
    holder: GuardHolder,
    expiresAt: number,
  ): Promise<void> {
    // Usually one write: still the holder, and the newest event so far.
    const advanced = await dynamo.conditional('advance the ordering guard', async () => {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.orderGuard(key),
          UpdateExpression: `${HISTORY_SET}, ${LAST_HOLDER} REMOVE ${HOLD}`,
          ConditionExpression: `holder = :me AND ${NEWER}`,
          ExpressionAttributeValues: {
            ...this.#historyValues(event, expiresAt),
            ':me': holder.token,
            ':holderOp': holder.operationId,
          },
        }),
      );
    });
    if (advanced) return;
    // Our hold lapsed meanwhile, or a newer event got there first: history only moves forward.
    await this.remember(key, event, expiresAt);
    await this.#releaseOne(key, holder);
  }

  /** Moves the history of `key` forward to `event` (never back), leaving its hold as it is. */
  async remember(key: string, event: DeliveredEvent, expiresAt: number): Promise<void> {
    await dynamo.conditional('advance the ordering guard', async () => {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey.orderGuard(key),
          UpdateExpression: HISTORY_SET,
          ConditionExpression: NEWER,
          ExpressionAttributeValues: this.#historyValues(event, expiresAt),
        }),
      );
    });
  }

  #historyValues(event: DeliveredEvent, expiresAt: number) {
    return {
      ':at': event.occurredAt,
      ':status': event.status ?? '',
      ':op': event.operationId,
      ':expires': expiresAt,
      ':nowSeconds': this.nowSeconds(),
    };
  }
}

/** A hold: its attempt, that attempt's operation, and until when. */
const HOLD = 'holder, holder_operation, holder_until';
/** The operation that last gave the guard back. */
const LAST_HOLDER = 'last_holder = :holderOp';
const HISTORY_SET =
  'SET last_occurred_at = :at, last_status = :status, operation_id = :op, expires_at = :expires';
const NEWER =
  '(attribute_not_exists(last_occurred_at) OR last_occurred_at <= :at OR expires_at < :nowSeconds)';

function heldGuard(
  key: string,
  before: Record<string, unknown>,
  token: string,
  now: number,
  nowSeconds: number,
): HeldGuard {
  const history = orderHistory(before, nowSeconds);
  const { holder, holder_operation: operation, holder_until: until } = before;
  const lapsed = typeof until === 'number' && until < now && holder !== token;
  return lapsed && typeof operation === 'string'
    ? { key, history, lapsedOperation: operation }
    : { key, history };
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
