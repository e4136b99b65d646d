import type { SellerAuthorization, SellerTokens } from '#lib/sellers/seller.ts';

export const DAY = 86_400_000;
/** When the fixtures' sellers authorized. */
export const T0 = Date.UTC(2026, 0, 1);

/** A seller who authorized at T0 for 30-day access and 60-day refresh tokens (IOP's usual lives). */
export const sellerAuthorization = (overrides: Partial<SellerAuthorization> = {}): SellerAuthorization => ({
  platform_seller_id: '2000001',
  generation: 1,
  authorized_at: T0,
  tokens_issued_at: T0,
  access_token_expires_at: T0 + 30 * DAY,
  refresh_token_expires_at: T0 + 60 * DAY,
  ...overrides,
});

/** That seller's tokens, as their secret holds them. */
export const sellerTokens = (overrides: Partial<SellerTokens> = {}): SellerTokens => ({
  access_token: 'access-s3cr3t-1',
  refresh_token: 'refresh-s3cr3t-1',
  ...sellerAuthorization(),
  ...overrides,
});
