import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { SELLERS_STORE, sellerKeys } from './table.ts';

const dynamo = storeCalls(SELLERS_STORE);

/** How long an authorization link works once handed out, as the platform's codes do. */
export const STATE_TTL_MS = 10 * 60 * 1000;

/** A state as the callback takes it back. */
export interface ConsumedState {
  readonly sellerId: string;
  /** When it stops working (epoch ms). */
  readonly expiresAt: number;
  readonly expired: boolean;
}

// Only the hash is stored: whoever reads the table cannot complete an authorization with it.
const hashOf = (state: string): string => createHash('sha256').update(state).digest('base64url');

/**
 * The OAuth `state` of each authorization link: unguessable (256 random bits), bound to one seller,
 * single use, valid for {@link STATE_TTL_MS}.
 */
export class AuthorizationStates extends TableStore {
  /** A new state for `sellerId`. */
  async issue(sellerId: string): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    await this.#put(state, sellerId, this.now() + STATE_TTL_MS);
    return state;
  }

  /**
   * Puts back a state taken for a callback that could not finish for a passing reason (the platform
   * unreachable, the seller held by a renewal), so the same link works once more until it expires.
   */
  async restore(state: string, taken: ConsumedState): Promise<void> {
    if (taken.expired) return;
    await this.#put(state, taken.sellerId, taken.expiresAt);
  }

  async #put(state: string, sellerId: string, expiresAt: number): Promise<void> {
    await dynamo.call('store an authorization state', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...sellerKeys.state(hashOf(state)),
            seller_id: sellerId,
            state_expires_at: expiresAt,
            // DynamoDB's TTL sweeps it later; the check above is what counts.
            expires_at: Math.ceil(expiresAt / 1000) + 86_400,
          },
        }),
      ),
    );
  }

  /** Takes a state back, once: the seller it names, or `undefined` for one never issued or used already. */
  async consume(state: string): Promise<ConsumedState | undefined> {
    const { Attributes } = await dynamo.call('take back an authorization state', () =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: sellerKeys.state(hashOf(state)),
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (
      !Attributes ||
      typeof Attributes.seller_id !== 'string' ||
      typeof Attributes.state_expires_at !== 'number'
    )
      return undefined;
    const expiresAt = Attributes.state_expires_at;
    return { sellerId: Attributes.seller_id, expiresAt, expired: this.now() >= expiresAt };
  }
}
