import { describe, expect, it } from 'vitest';
import { CorruptItemError } from '#lib/dynamo/errors.ts';
import { parkedSellerFromItem, parkedSellerToItem } from '#lib/tracking/parked-seller-item.ts';

describe('parked seller items', () => {
  it('round-trips a parked seller, listed among the parked sellers', () => {
    const seller = { sellerId: 'shop-1', sessionFingerprint: 'fp1' };
    const item = parkedSellerToItem(seller, 1_700_000_000_000);
    expect(item).toMatchObject({ pk: 'parked-seller#shop-1', due_shard: 'parked-sellers' });
    expect(parkedSellerFromItem(item)).toEqual(seller);
  });

  it('refuses an item without a fingerprint, naming the field and no value', () => {
    const error = (() => {
      try {
        return parkedSellerFromItem({
          pk: 'parked-seller#shop-9',
          seller_id: 'shop-9',
          session_fingerprint: 42,
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CorruptItemError);
    expect(error).toMatchObject({ fields: ['session_fingerprint'], status: 500, logLevel: 'error' });
    expect((error as Error).message).not.toContain('shop-9');
    expect((error as Error).message).not.toContain('42');
  });
});
