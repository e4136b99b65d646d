import type { CredentialsSource } from '#lib/credentials/credentials-source.ts';
import { SellerRequiredError } from '#lib/credentials/errors.ts';
import { InvalidPayloadError } from '#lib/http/errors.ts';

/**
 * The seller a storefront request acts for: the one it names, or the only one configured. With
 * several configured and none named, the contract's `seller_id` is what is missing (→ 400).
 */
export async function sellerFor(
  credentials: CredentialsSource,
  sellerId: string | undefined,
): Promise<string> {
  try {
    return (await credentials.forSeller(sellerId)).sellerId;
  } catch (error) {
    if (!(error instanceof SellerRequiredError)) throw error;
    throw new InvalidPayloadError([
      { path: 'seller_id', message: 'is required when several sellers are configured' },
    ]);
  }
}
