import * as z from 'zod/mini';
import type { TopCallOptions, TopClient } from '../client.ts';
import type { TopCredentials } from '../signed-fields.ts';
import { callTopApi, type TopApi, type TopApiResult } from './api.ts';
import {
  idString,
  responseBoolean,
  responseId,
  responseList,
  responseNumber,
  responseText,
} from './fields.ts';
import { LOGISTICS_ORDER_PLATFORM } from './logistics-order-statuses.ts';

export { LOGISTICS_ORDER_STATUSES, type LogisticsOrderStatus } from './logistics-order-statuses.ts';

/** `param1` (FindOrderRequestTopDTO) of `aliexpress.local.logistics.order.info.query`. */
export const FindOrderRequest = z.strictObject({
  /** The shipment order id AE keeps against the logistics provider's own. */
  logistics_order_id: idString(),
});
export type FindOrderRequest = z.input<typeof FindOrderRequest>;

const optionalText = () => z.optional(responseText());

/** ParcelDTO: sizes in cm, weight in kg, as text. */
export const Parcel = z.looseObject({
  quantity: z.optional(responseNumber()),
  /** ENVELOPE, BOX, BAG, TUBE, PALLET. */
  parcel_type_code: optionalText(),
  width: optionalText(),
  length: optionalText(),
  weight: optionalText(),
  height: optionalText(),
});

/** AddressDTO: personal data (names, tax id, phone, e-mail, address); never log it. */
export const Address = z.looseObject({
  first_name: optionalText(),
  last_name: optionalText(),
  city: optionalText(),
  federal_tax_id: optionalText(),
  country: optionalText(),
  zip_code: optionalText(),
  state: optionalText(),
  address: optionalText(),
  address_number: optionalText(),
  email: optionalText(),
  cell_phone: optionalText(),
  additional: optionalText(),
});

/** InvoiceDTO. */
export const Invoice = z.looseObject({
  invoice_series: optionalText(),
  invoice_number: optionalText(),
  invoice_date: optionalText(),
  invoice_total_value: optionalText(),
  invoice_key: optionalText(),
});

/** ProductDTO: sizes in cm, weight in kg, as text. */
export const Product = z.looseObject({
  weight: optionalText(),
  length: optionalText(),
  width: optionalText(),
  height: optionalText(),
  price: optionalText(),
  quantity: z.optional(responseNumber()),
  sku_id: z.optional(responseId()),
});

/** OrderDTO: the full order detail. */
export const OrderDetail = z.looseObject({
  parcel: z.optional(Parcel),
  logistics_order_id: z.optional(responseId()),
  logistics_channel_order_id: z.optional(responseId()),
  /** A 16-digit number on the wire; kept as its exact digits. */
  trade_order_id: z.optional(responseId()),
  tracking_code: optionalText(),
  shipping_method_id: z.optional(responseId()),
  logistics_channel_id: z.optional(responseId()),
  receipt_address: z.optional(Address),
  /** 1 NEW … 6 DELIVERED, 7 CANCELLED, 8 UNKNOWN. */
  status: optionalText(),
  sender_address: z.optional(Address),
  tracking_url: optionalText(),
  logistics_channel_name: optionalText(),
  invoice: z.optional(Invoice),
  products: z.optional(responseList(Product)),
});
export type OrderDetail = z.output<typeof OrderDetail>;

export const FindOrderResponse = z.looseObject({
  data: z.optional(OrderDetail),
  is_success: z.optional(responseBoolean()),
  error_result_message: optionalText(),
  error_result_code: optionalText(),
  request_id: z.optional(z.string()),
});
export type FindOrderResponse = z.output<typeof FindOrderResponse>;

export const queryLogisticsOrderApi = {
  method: 'aliexpress.local.logistics.order.info.query',
  platform: LOGISTICS_ORDER_PLATFORM,
  requiresSession: true,
  objectParam: 'param1',
  request: FindOrderRequest,
  response: FindOrderResponse,
  failure: (response) =>
    response.is_success === false || !response.data
      ? { subCode: response.error_result_code ?? 'is_success=false', subMsg: response.error_result_message }
      : undefined,
} satisfies TopApi<typeof FindOrderRequest, typeof FindOrderResponse>;

/** Reads a local-logistics order's full detail for the seller whose session `credentials` carries. */
export const queryLogisticsOrder = (
  client: TopClient,
  credentials: TopCredentials,
  request: FindOrderRequest,
  options?: TopCallOptions,
): Promise<TopApiResult<FindOrderResponse>> =>
  callTopApi(queryLogisticsOrderApi, client, credentials, request, options);
