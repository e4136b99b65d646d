import * as z from 'zod';
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

/** Logistics order statuses; 6 and 7 are final. */
export const LOGISTICS_ORDER_STATUSES = {
  '1': 'NEW',
  '2': 'CREATED',
  '3': 'SHIPPED',
  '4': 'IN_TRANSIT',
  '5': 'DELIVERY_FAILURE',
  '6': 'DELIVERED',
  '7': 'CANCELLED',
  '8': 'UNKNOWN',
} as const;
export type LogisticsOrderStatus = keyof typeof LOGISTICS_ORDER_STATUSES;

/** `param1` (FindOrderRequestTopDTO) of `aliexpress.local.logistics.order.info.query`. */
export const FindOrderRequest = z.strictObject({
  /** The shipment order id AE keeps against the logistics provider's own. */
  logistics_order_id: idString(),
});
export type FindOrderRequest = z.input<typeof FindOrderRequest>;

const optionalText = () => responseText().optional();

/** ParcelDTO: sizes in cm, weight in kg, as text. */
export const Parcel = z.looseObject({
  quantity: responseNumber().optional(),
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
  quantity: responseNumber().optional(),
  sku_id: responseId().optional(),
});

/** OrderDTO: the full order detail. */
export const OrderDetail = z.looseObject({
  parcel: Parcel.optional(),
  logistics_order_id: responseId().optional(),
  logistics_channel_order_id: responseId().optional(),
  /** A 16-digit number on the wire; kept as its exact digits. */
  trade_order_id: responseId().optional(),
  tracking_code: optionalText(),
  shipping_method_id: responseId().optional(),
  logistics_channel_id: responseId().optional(),
  receipt_address: Address.optional(),
  /** 1 NEW … 6 DELIVERED, 7 CANCELLED, 8 UNKNOWN. */
  status: optionalText(),
  sender_address: Address.optional(),
  tracking_url: optionalText(),
  logistics_channel_name: optionalText(),
  invoice: Invoice.optional(),
  products: responseList(Product).optional(),
});
export type OrderDetail = z.output<typeof OrderDetail>;

export const FindOrderResponse = z.looseObject({
  data: OrderDetail.optional(),
  is_success: responseBoolean().optional(),
  error_result_message: optionalText(),
  error_result_code: optionalText(),
  request_id: z.string().optional(),
});
export type FindOrderResponse = z.output<typeof FindOrderResponse>;

export const queryLogisticsOrderApi = {
  method: 'aliexpress.local.logistics.order.info.query',
  platform: 'aliexpress',
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
