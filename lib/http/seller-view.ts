import { type SellerRecord, statusAt } from '#lib/sellers/seller.ts';
import { iso } from './operation-response.ts';

/** Where an operator gets a seller's authorization link: the operator API's path. */
export const authorizePath = (sellerId: string): string =>
  `/sellers/${encodeURIComponent(sellerId)}/authorize`;

/** `GET /sellers/{seller_id}`: the seller's authorization at `now`, never a token. */
export function sellerView(record: SellerRecord, now: number, publicUrl: string | undefined) {
  const a = record.authorization;
  return {
    seller_id: record.seller_id,
    platform_seller_id: a?.platform_seller_id ?? null,
    status: a ? statusAt(a, now) : 'REAUTHORIZE',
    access_token_expires_at: iso(a?.access_token_expires_at) ?? null,
    refresh_token_expires_at: iso(a?.refresh_token_expires_at) ?? null,
    authorized_at: iso(a?.authorized_at) ?? null,
    last_refreshed_at: iso(a?.last_refreshed_at) ?? null,
    last_error: a?.last_error ?? null,
    // The route of the first step: it hands out a fresh link to the platform's consent page.
    authorize_url: `${publicUrl ?? ''}${authorizePath(record.seller_id)}`,
  };
}
