/** What an operator needs to know of a seller's authorization. */
export const SELLER_STATUSES = ['ACTIVE', 'REAUTHORIZE_SOON', 'REAUTHORIZE'] as const;
export type SellerStatus = (typeof SELLER_STATUSES)[number];

/** Our name for a seller: the `seller_id` of the storefront webhooks. */
export const SELLER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Why the last renewal failed, in the platform's terms; never a token. */
export interface SellerLastError {
  readonly code: string;
  readonly message: string;
}

/**
 * A seller's authorization as the registry keeps it: dates and state, never a token (the tokens are
 * in the seller's secret, {@link SellerTokens}). Times are epoch ms.
 */
export interface SellerAuthorization {
  readonly platform_seller_id: string;
  /** Bumped by each new authorization: tokens of an older one never overwrite a newer one's. */
  readonly generation: number;
  /** When the seller authorized: the refresh token's life counts from here (refreshing keeps its end). */
  readonly authorized_at: number;
  /** When the current access token was issued (authorization or last renewal). */
  readonly tokens_issued_at: number;
  readonly access_token_expires_at: number;
  readonly refresh_token_expires_at: number;
  readonly last_refreshed_at?: number | undefined;
  /** The platform refused to renew: the seller must authorize again, whatever the dates say. */
  readonly refused?: boolean | undefined;
  readonly last_error?: SellerLastError | undefined;
}

/** A seller's record: its authorization once one completed, and who holds it (one at a time). */
export interface SellerRecord {
  readonly seller_id: string;
  readonly authorization?: SellerAuthorization | undefined;
  readonly lease_token?: string | undefined;
  readonly lease_expires_at?: number | undefined;
}

/** The tokens of one authorization, as the seller's secret holds them, with their dates. */
export interface SellerTokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly platform_seller_id: string;
  readonly generation: number;
  readonly authorized_at: number;
  readonly tokens_issued_at: number;
  readonly access_token_expires_at: number;
  readonly refresh_token_expires_at: number;
}

/** The access token is renewed at half its lifetime: 30-day tokens about day 15, 40 s ones about second 20. */
export const renewAt = (
  a: Pick<SellerAuthorization, 'tokens_issued_at' | 'access_token_expires_at'>,
): number => a.tokens_issued_at + Math.floor((a.access_token_expires_at - a.tokens_issued_at) / 2);

/** From here on the refresh token is in the last quarter of its life (60-day tokens: the last 15 days). */
export const reauthorizeSoonAt = (
  a: Pick<SellerAuthorization, 'authorized_at' | 'refresh_token_expires_at'>,
): number => a.refresh_token_expires_at - Math.floor((a.refresh_token_expires_at - a.authorized_at) / 4);

/** The seller's status at `now`. */
export function statusAt(a: SellerAuthorization, now: number): SellerStatus {
  if (a.refused || now >= a.refresh_token_expires_at) return 'REAUTHORIZE';
  return now >= reauthorizeSoonAt(a) ? 'REAUTHORIZE_SOON' : 'ACTIVE';
}

/**
 * When the renewal must look at the seller next: the access token's half-life, the turn to
 * REAUTHORIZE_SOON, or the refresh token's end, whichever comes first; none once it is REAUTHORIZE.
 */
export function nextLookAt(a: SellerAuthorization, now: number): number | undefined {
  const status = statusAt(a, now);
  if (status === 'REAUTHORIZE') return undefined;
  const soon = status === 'ACTIVE' ? reauthorizeSoonAt(a) : Number.POSITIVE_INFINITY;
  return Math.min(renewAt(a), soon, a.refresh_token_expires_at);
}

/** The registry's view of an authorization its tokens describe. */
export const authorizationOf = (
  tokens: SellerTokens,
  extra: Pick<SellerAuthorization, 'last_refreshed_at' | 'refused' | 'last_error'> = {},
): SellerAuthorization => ({
  platform_seller_id: tokens.platform_seller_id,
  generation: tokens.generation,
  authorized_at: tokens.authorized_at,
  tokens_issued_at: tokens.tokens_issued_at,
  access_token_expires_at: tokens.access_token_expires_at,
  refresh_token_expires_at: tokens.refresh_token_expires_at,
  ...extra,
});
