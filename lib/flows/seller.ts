import type { CredentialsSource } from '#lib/credentials/credentials-source.ts';
import { SellerRequiredError } from '#lib/credentials/errors.ts';
import { InvalidPayloadError } from '#lib/http/errors.ts';
import type { Platform } from '#lib/top/platform.ts';

/**
 * The seller a storefront request acts for on `platform`: the one it names, or the only one
 * configured. With several configured and none named, the contract's `seller_id` is what is
 * missing (→ 400).
 */
export async function sellerFor(
  credentials: CredentialsSource,
  sellerId: string | undefined,
  platform: Platform,
): Promise<string> {
  try {
    return (await credentials.forSeller(sellerId, platform)).sellerId;
  } catch (error) {
    if (!(error instanceof SellerRequiredError)) throw error;
    throw new InvalidPayloadError([
      { path: 'seller_id', message: 'is required when several sellers are configured' },
    ]);
  }
}
