import * as z from 'zod';
import { SELLER_ID_PATTERN, SELLER_STATUSES } from '#lib/sellers/seller.ts';
import { Timestamp } from './fields.ts';
import { named } from './registry.ts';

/** Our name for a seller: the storefront webhooks' `seller_id`. */
export const SellerId = z
  .string()
  .regex(SELLER_ID_PATTERN)
  .meta({ description: 'our name for the seller (the storefront webhooks’ `seller_id`)' });

/** `GET /sellers/{seller_id}`: `sellerView` in `lib/http/seller-view.ts`; never a token. */
export const SellerView = named(
  'SellerView',
  z
    .object({
      seller_id: z.string(),
      platform_seller_id: z.string().nullable(),
      status: z.enum(SELLER_STATUSES).meta({
        description:
          'ACTIVE; REAUTHORIZE_SOON: less than a quarter of the refresh token’s life is left, send the seller the link; REAUTHORIZE: the seller must authorize again',
      }),
      access_token_expires_at: Timestamp.nullable(),
      refresh_token_expires_at: Timestamp.nullable(),
      authorized_at: Timestamp.nullable(),
      last_refreshed_at: Timestamp.nullable(),
      last_error: z
        .object({ code: z.string(), message: z.string() })
        .nullable()
        .meta({ description: 'why the last renewal failed, in the platform’s terms' }),
      authorize_url: z
        .string()
        .meta({ description: 'hands out a fresh authorization link (operator route)' }),
    })
    .meta({ description: 'A seller who authorized the app' }),
);

export const SellerList = named('SellerList', z.object({ items: z.array(SellerView) }));
