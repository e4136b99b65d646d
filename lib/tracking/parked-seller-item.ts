import * as z from 'zod/mini';
import { CorruptItemError, issuePaths } from '#lib/dynamo/errors.ts';
import { indexTime } from '#lib/operations/table.ts';
import { PARKED_SELLERS_SHARD } from './table.ts';

/** A seller whose orders wait for a session other than the one that failed. */
export interface ParkedSeller {
  readonly sellerId: string;
  readonly sessionFingerprint: string;
}

/** The key of a parked seller's item. */
export const parkedSellerKey = (sellerId: string) => ({ pk: `parked-seller#${sellerId}` });

// What a parked seller's item must hold to be read back; the key and index attributes are dropped.
const ParkedSellerItem = z.object({
  seller_id: z.string(),
  session_fingerprint: z.string(),
});

/** The item: the seller, its key, and its place among the parked sellers, listed from `at` (epoch ms). */
export function parkedSellerToItem(seller: ParkedSeller, at: number): Record<string, unknown> {
  const key = parkedSellerKey(seller.sellerId);
  return {
    ...key,
    seller_id: seller.sellerId,
    session_fingerprint: seller.sessionFingerprint,
    due_shard: PARKED_SELLERS_SHARD,
    due_at: indexTime(at, key.pk),
  };
}

/** The parked seller an item holds, checked field by field. Throws {@link CorruptItemError}. */
export function parkedSellerFromItem(item: Record<string, unknown>): ParkedSeller {
  const parsed = ParkedSellerItem.safeParse(item);
  if (!parsed.success) throw new CorruptItemError('parked seller', issuePaths(parsed.error.issues));
  return { sellerId: parsed.data.seller_id, sessionFingerprint: parsed.data.session_fingerprint };
}
