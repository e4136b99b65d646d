import * as z from 'zod';
import { DeliveryOrderSendRequest, sendDeliveryOrderApi } from '#lib/top/apis/send-delivery-order.ts';
import type { WebhookFlow } from './flow.ts';

/** `POST /webhooks/wms/delivery-orders`: `delivery_order` is the API's `param`, field for field. */
export const WmsDeliveryBody = z.strictObject({
  /** When the warehouse saw the change; orders events of one delivery order. */
  occurred_at: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' })
    .optional(),
  delivery_order: DeliveryOrderSendRequest,
});
export type WmsDeliveryBody = z.output<typeof WmsDeliveryBody>;

/** The keys of the delivery order an event reports on: its work order and its consolidation order. */
export function orderKeys(order: WmsDeliveryBody['delivery_order']): string[] {
  return [
    ...(order.ticket_id === undefined ? [] : [`wms#ticket#${order.ticket_id}`]),
    ...(order.platform_order_id === undefined ? [] : [`wms#platform#${order.platform_order_id}`]),
  ];
}

export const wmsDeliveryFlow: WebhookFlow<typeof WmsDeliveryBody> = {
  flow: 'wms-delivery',
  source: 'wms',
  method: sendDeliveryOrderApi.method,
  requiresSeller: sendDeliveryOrderApi.requiresSession,
  body: WmsDeliveryBody,
  sellerOf: () => undefined,
  draft: (body) => ({
    params: body.delivery_order,
    guards: {
      order_keys: orderKeys(body.delivery_order),
      occurred_at: body.occurred_at === undefined ? undefined : Date.parse(body.occurred_at),
    },
  }),
};
