import * as z from 'zod/mini';
import { factKey } from '#lib/operations/identity.ts';
import { nonBlank } from '#lib/top/apis/fields.ts';
import { FulfillOrderRequest, fulfillOrderApi } from '#lib/top/apis/fulfill-order.ts';
import type { WebhookFlow } from './flow.ts';
import { keyField } from './key-field.ts';

/** `POST /webhooks/storefront/fulfillments`: `fulfillment` is the API's params, field for field. */
export const StorefrontFulfillBody = z.strictObject({
  /** Picks the seller's session; may be left out when exactly one seller is configured. */
  seller_id: z.optional(keyField(nonBlank())),
  fulfillment: FulfillOrderRequest,
});
export type StorefrontFulfillBody = z.output<typeof StorefrontFulfillBody>;

export const storefrontFulfillFlow: WebhookFlow<typeof StorefrontFulfillBody> = {
  flow: 'storefront-fulfill',
  source: 'storefront',
  api: fulfillOrderApi,
  body: StorefrontFulfillBody,
  sellerOf: (body) => body.seller_id,
  draft: (body, sellerId) => {
    const { out_ref, logistics_no, send_type } = body.fulfillment;
    return {
      params: body.fulfillment,
      // The same shipment of the same order, whatever delivery id carries it, is sent once.
      guards: { dedupe_key: factKey('fulfil', sellerId ?? '', out_ref, logistics_no, send_type) },
    };
  },
};
