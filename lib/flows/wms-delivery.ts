import * as z from 'zod/mini';
import { DeliveryOrderSendRequest, sendDeliveryOrderApi } from '#lib/top/apis/send-delivery-order.ts';
import type { WebhookFlow } from './flow.ts';
import { fitsInKey, KEY_FIELD_MESSAGE } from './key-field.ts';

/** The fields of `delivery_order` its ordering guard is keyed by. */
const ORDER_KEY_FIELDS = ['ticket_id', 'platform_order_id'] as const;

/** `POST /webhooks/wms/delivery-orders`: `delivery_order` is the API's `param`, field for field. */
export const WmsDeliveryBody = z
  .strictObject({
    /** When the warehouse saw the change; orders events of one delivery order. */
    occurred_at: z.optional(
      z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' }),
    ),
    delivery_order: DeliveryOrderSendRequest,
  })
  .check(
    z.superRefine((body, ctx) => {
      for (const field of ORDER_KEY_FIELDS) {
        const value = body.delivery_order[field];
        if (value !== undefined && !fitsInKey(value)) {
          ctx.addIssue({ code: 'custom', path: ['delivery_order', field], message: KEY_FIELD_MESSAGE });
        }
      }
    }),
  );
export type WmsDeliveryBody = z.output<typeof WmsDeliveryBody>;

/** The keys of the delivery order an event reports on: its work order and its consolidation order. */
function orderKeys(order: WmsDeliveryBody['delivery_order']): string[] {
  return [
    ...(order.ticket_id === undefined ? [] : [`wms#ticket#${order.ticket_id}`]),
    ...(order.platform_order_id === undefined ? [] : [`wms#platform#${order.platform_order_id}`]),
  ];
}

export const wmsDeliveryFlow: WebhookFlow<typeof WmsDeliveryBody> = {
  flow: 'wms-delivery',
  source: 'wms',
  api: sendDeliveryOrderApi,
  body: WmsDeliveryBody,
  sellerOf: () => undefined,
  draft: (body) => ({
    params: body.delivery_order,
    guards: {
      order_keys: orderKeys(body.delivery_order),
      occurred_at: body.occurred_at === undefined ? undefined : Date.parse(body.occurred_at),
      order_status: body.delivery_order.status,
    },
  }),
};
