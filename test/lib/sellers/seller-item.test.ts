import { describe, expect, it } from 'vitest';
import { CorruptItemError } from '#lib/dynamo/errors.ts';
import { indexTime } from '#lib/operations/table.ts';
import type { SellerAuthorization, SellerRecord } from '#lib/sellers/seller.ts';
import { sellerFromItem, sellerToItem } from '#lib/sellers/seller-item.ts';
import { SELLER_SHARDS } from '#lib/sellers/table.ts';
import { DAY, sellerAuthorization, T0 } from '#test/helpers/sellers.ts';

const authorization = sellerAuthorization;

const record = (overrides: Partial<SellerAuthorization> = {}): SellerRecord => ({
  seller_id: 'shop-1',
  authorization: authorization(overrides),
});

const corruptionOf = (item: Record<string, unknown>): CorruptItemError => {
  try {
    sellerFromItem(item);
  } catch (error) {
    if (error instanceof CorruptItemError) return error;
    throw error;
  }
  throw new Error('expected a CorruptItemError');
};

describe('seller items', () => {
  it('round-trip a record with every field of its authorization and its lease', () => {
    const full: SellerRecord = {
      seller_id: 'shop-1',
      lease_token: 'lease-1',
      lease_expires_at: T0 + 60_000,
      authorization: authorization({
        last_refreshed_at: T0,
        refused: true,
        last_error: { code: 'IllegalRefreshToken', message: 'the refresh token expired' },
      }),
    };
    const item = sellerToItem(full, T0);
    expect(item).toMatchObject({ pk: 'seller#shop-1' });
    expect(sellerFromItem(item)).toEqual(full);
  });

  it('round-trip a record without an authorization', () => {
    const pending: SellerRecord = { seller_id: 'shop-2', lease_token: 't', lease_expires_at: T0 + 60_000 };
    expect(sellerFromItem(sellerToItem(pending, T0))).toEqual(pending);
  });

  it('index an ACTIVE seller in the renew partition at its next look', () => {
    expect(sellerToItem(record(), T0)).toMatchObject({
      due_shard: SELLER_SHARDS.renew,
      due_at: indexTime(T0 + 15 * DAY, 'seller#shop-1'),
    });
  });

  it('index an ACTIVE seller at its turn to REAUTHORIZE_SOON when that comes first', () => {
    const renewed = record({ tokens_issued_at: T0 + 40 * DAY, access_token_expires_at: T0 + 70 * DAY });
    expect(sellerToItem(renewed, T0 + 40 * DAY)).toMatchObject({
      due_shard: SELLER_SHARDS.renew,
      due_at: indexTime(T0 + 45 * DAY, 'seller#shop-1'),
    });
  });

  it('index a REAUTHORIZE_SOON seller in its own partition', () => {
    expect(sellerToItem(record(), T0 + 50 * DAY)).toMatchObject({
      due_shard: SELLER_SHARDS.renewSoon,
      due_at: indexTime(T0 + 15 * DAY, 'seller#shop-1'),
    });
  });

  it('index a seller who must authorize again apart from those renewed, as of now', () => {
    for (const [r, now] of [
      [record(), T0 + 60 * DAY],
      [record({ refused: true }), T0 + DAY],
    ] as const) {
      expect(sellerToItem(r, now)).toMatchObject({
        due_shard: SELLER_SHARDS.reauthorize,
        due_at: indexTime(now, 'seller#shop-1'),
      });
    }
  });

  it('index a record without an authorization at its lease end, to be looked at once it lapses', () => {
    const pending: SellerRecord = { seller_id: 'shop-2', lease_token: 't', lease_expires_at: T0 + 60_000 };
    expect(sellerToItem(pending, T0)).toMatchObject({
      due_shard: SELLER_SHARDS.renew,
      due_at: indexTime(T0 + 60_000, 'seller#shop-2'),
    });
  });

  it('refuse an item that does not read as a seller, naming the fields and no value', () => {
    const item = sellerToItem(record({ last_error: { code: 'X', message: 'private-detail' } }), T0);
    const error = corruptionOf({
      ...item,
      seller_id: 42,
      authorization: { ...(item.authorization as object), generation: -1, authorized_at: 'private-date' },
    });
    expect(error.fields).toEqual(['seller_id', 'authorization.generation', 'authorization.authorized_at']);
    expect(error).toMatchObject({ record: 'seller', status: 500, logLevel: 'error' });
    expect(error.message).not.toContain('private');
    expect(error.message).not.toContain('42');
  });

  it('refuse an item without a seller id', () => {
    expect(corruptionOf({ pk: 'seller#x', due_shard: SELLER_SHARDS.renew }).fields).toEqual(['seller_id']);
  });
});
