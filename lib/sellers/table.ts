import { dueTableDefinition } from '#lib/operations/table.ts';

/**
 * The sellers table has the house key scheme: one string key `pk` and the sparse `due` index
 * (`due_shard`, `due_at`), here listing sellers by when the renewal must look at them next.
 */
export const sellersTableDefinition = dueTableDefinition;

/** How the sellers table's stores name themselves in their errors. */
export const SELLERS_STORE = 'sellers store';

/** Where a seller sits in the `due` index: the partition says its status, `due_at` its next look. */
export const SELLER_SHARDS = {
  /** Renewed at half-life; turns REAUTHORIZE_SOON in the last quarter of the refresh token's life. */
  renew: 'sellers#renew',
  /** Still renewed, but the seller must authorize again soon. */
  renewSoon: 'sellers#renew-soon',
  /** Can no longer be renewed: waits for a new authorization. */
  reauthorize: 'sellers#reauthorize',
} as const;

/** The key of each kind of item in the sellers table. */
export const sellerKeys = {
  seller: (sellerId: string) => ({ pk: `seller#${sellerId}` }),
  /** An OAuth state, by its hash: the table never holds a usable state. */
  state: (stateHash: string) => ({ pk: `state#${stateHash}` }),
} as const;
