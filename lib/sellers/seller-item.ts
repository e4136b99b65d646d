import * as z from 'zod/mini';
import { CorruptItemError, issuePaths } from '#lib/dynamo/errors.ts';
import { indexTime } from '#lib/operations/table.ts';
import { nextLookAt, type SellerRecord, statusAt } from './seller.ts';
import { SELLER_SHARDS, sellerKeys } from './table.ts';

const time = z.number();

/** What identifies an authorization and dates its tokens: in the record, and in the seller's secret. */
export const GrantFields = z.object({
  platform_seller_id: z.string(),
  generation: z.number().check(z.int(), z.nonnegative()),
  authorized_at: time,
  tokens_issued_at: time,
  access_token_expires_at: time,
  refresh_token_expires_at: time,
});

// What a seller item must hold to be read back; the key and index attributes are dropped.
const SellerItem = z.object({
  seller_id: z.string().check(z.minLength(1)),
  lease_token: z.optional(z.string()),
  lease_expires_at: z.optional(time),
  authorization: z.optional(
    z.object({
      ...GrantFields.shape,
      last_refreshed_at: z.optional(time),
      refused: z.optional(z.boolean()),
      last_error: z.optional(z.object({ code: z.string(), message: z.string() })),
    }),
  ),
});

/**
 * The stored item: the record, its key, and its place in the `due` index at `now`. A record without
 * an authorization (one is being completed) is looked at again when its lease lapses.
 */
export function sellerToItem(record: SellerRecord, now: number): Record<string, unknown> {
  const key = sellerKeys.seller(record.seller_id);
  const a = record.authorization;
  const [shard, at] = !a
    ? [SELLER_SHARDS.renew, record.lease_expires_at ?? now]
    : ((): [string, number] => {
        const next = nextLookAt(a, now);
        if (next === undefined) return [SELLER_SHARDS.reauthorize, now];
        return [
          statusAt(a, now) === 'REAUTHORIZE_SOON' ? SELLER_SHARDS.renewSoon : SELLER_SHARDS.renew,
          next,
        ];
      })();
  return { ...key, ...record, due_shard: shard, due_at: indexTime(at, key.pk) };
}

/** The record an item holds, checked field by field. Throws {@link CorruptItemError}. */
export function sellerFromItem(item: Record<string, unknown>): SellerRecord {
  const parsed = SellerItem.safeParse(item);
  if (!parsed.success) throw new CorruptItemError('seller', issuePaths(parsed.error.issues));
  return parsed.data;
}
