import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { storeCalls } from '#lib/dynamo/calls.ts';
import { TableStore } from '#lib/dynamo/table-store.ts';
import { SELLERS_STORE, sellerKeys } from './table.ts';

const dynamo = storeCalls(SELLERS_STORE);

/** How long an authorization link works once handed out, as the platform's codes do. */
export const STATE_TTL_MS = 10 * 60 * 1000;

/** A state as the callback takes it back. */
export type ConsumedState =
  | { readonly sellerId: string; readonly expired: false }
  | { readonly sellerId: string; readonly expired: true }
  | undefined;

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
    const expiresAt = this.now() + STATE_TTL_MS;
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
    return state;
  }

  /** Takes a state back, once: the seller it names, or `undefined` for one never issued or used already. */
  async consume(state: string): Promise<ConsumedState> {
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
    return { sellerId: Attributes.seller_id, expired: this.now() >= Attributes.state_expires_at };
  }
}
