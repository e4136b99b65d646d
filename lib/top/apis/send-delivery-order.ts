import * as z from 'zod';
import type { TopCallOptions, TopClient } from '../client.ts';
import type { TopCredentials } from '../signed-fields.ts';
import { callTopApi, type TopApi, type TopApiResult } from './api.ts';
import { count, idString, maxChars, responseBoolean, responseText } from './fields.ts';

/** Work order: PACKAGING, PACK_FINISH, PACK_FAIL; consolidation order: ABNORMAL_DELIVERY, ISSUE_SUCCEEDED. */
export const DELIVERY_STATUSES = [
  'PACKAGING',
  'PACK_FINISH',
  'PACK_FAIL',
  'ABNORMAL_DELIVERY',
  'ISSUE_SUCCEEDED',
] as const;
export const PACKAGE_STATUSES = ['ABNORMAL_DELIVERY', 'ISSUE_SUCCEEDED'] as const;
/** Why a pack or an outbound failed; required with PACK_FAIL and ABNORMAL_DELIVERY. */
export const DELIVERY_ERROR_CODES = [
  'CANT_SHIP',
  'ITEM_WORN',
  'ITEM_LOST',
  'RECEIVE_ADS_ERROR',
  'OTHER',
  'USER_CHANGE_SERVICE',
  'USER_INFO_ERROR',
] as const;
/** The billing basis of a value-added service, and the fields each one requires. */
export const CHARGE_TYPES = ['volumeWeight', 'weight', 'packageNum', 'itemNum'] as const;
const FIELDS_BY_CHARGE_TYPE = {
  volumeWeight: ['length', 'width', 'height'],
  weight: ['weight'],
  packageNum: ['package_count'],
  itemNum: ['item_count'],
} as const satisfies Record<(typeof CHARGE_TYPES)[number], readonly string[]>;
const STATUSES_NEEDING_ERROR_CODE: ReadonlySet<string> = new Set(['PACK_FAIL', 'ABNORMAL_DELIVERY']);

/** DeliveryGoodDTO: one SKU in the order; sizes in cm, weight in g. */
const DeliveryGood = z.strictObject({
  sku_name: z.string().optional(),
  quantity: count().optional(),
  /** Platform SKU, encrypted. */
  sku_code: z.string().optional(),
  length: count().optional(),
  width: count().optional(),
  height: count().optional(),
  weight: count().optional(),
  /** Deprecated by the platform; still accepted. */
  order_id: z.string().optional(),
});

/** DeliveryOrderRequestPackageDTO: one outbound parcel of a split shipment (takes precedence over the parcel fields). */
const DeliveryPackage = z.strictObject({
  /** Tracking numbers of the inbound parcels merged into this one. */
  origin_package_mail_nos: z.array(z.string()).optional(),
  mail_no: z.string().optional(),
  /** The warehouse's id of this package. */
  outer_package_id: z.string().optional(),
  length: count().optional(),
  width: count().optional(),
  height: count().optional(),
  weight: count().optional(),
  status: z.enum(PACKAGE_STATUSES).optional(),
});

/** LogisticServiceFulfilDTO: how a value-added service was fulfilled. */
const ServiceFulfilment = z
  .strictObject({
    service_code: z.string().optional(),
    pic_urls: z.array(z.string()).optional(),
    remark: maxChars(100).optional(),
    length: count().optional(),
    width: count().optional(),
    height: count().optional(),
    weight: count().optional(),
    package_count: count().optional(),
    item_count: count().optional(),
    charge_type: z.enum(CHARGE_TYPES).optional(),
    /** From the dispatch; 1 for a standard logistics service. */
    sub_ticket_id: count().optional(),
    result_fail: z.boolean().optional(),
    fail_msg: z.string().optional(),
  })
  .superRefine((service, ctx) => {
    if (!service.charge_type) return;
    for (const field of FIELDS_BY_CHARGE_TYPE[service.charge_type]) {
      if (service[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `is required when charge_type is ${service.charge_type}`,
        });
      }
    }
  });

/** `param` (DeliveryOrderSendRequest) of `tmall.ovs.delivery.order.info.send`. */
export const DeliveryOrderSendRequest = z
  .strictObject({
    /** Platform buyer id, encrypted. */
    open_user_id: z.string().optional(),
    /** Consolidation-order id; issued once the buyer has paid the freight. */
    platform_order_id: idString().optional(),
    /** Work-order id; comes first for far regions. One of ticket_id / platform_order_id is required. */
    ticket_id: idString().optional(),
    status: z.enum(DELIVERY_STATUSES).optional(),
    mail_no: z.string().optional(),
    mail_company: z.string().optional(),
    /** Last-mile tracking number and carrier (non-consolidation case). */
    end_mail_no: z.string().optional(),
    end_mail_company: z.string().optional(),
    exception_desc: z.string().optional(),
    length: count().optional(),
    width: count().optional(),
    height: count().optional(),
    weight: count().optional(),
    goods_list: z.array(DeliveryGood).optional(),
    package_list: z.array(DeliveryPackage).optional(),
    service_fulfil_result: z.array(ServiceFulfilment).optional(),
    /** Extra fees in fen (CNY cents), added to the freight. */
    other_fee: count().optional(),
    other_fee_desc: z.string().optional(),
    error_code: z.enum(DELIVERY_ERROR_CODES).optional(),
  })
  .superRefine((request, ctx) => {
    if (request.ticket_id === undefined && request.platform_order_id === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ticket_id'],
        message: 'one of ticket_id or platform_order_id is required',
      });
    }
    if (request.status && STATUSES_NEEDING_ERROR_CODE.has(request.status) && !request.error_code) {
      ctx.addIssue({
        code: 'custom',
        path: ['error_code'],
        message: `is required when status is ${request.status}`,
      });
    }
  });
export type DeliveryOrderSendRequest = z.input<typeof DeliveryOrderSendRequest>;

export const DeliveryOrderSendResponse = z.looseObject({
  result: z
    .looseObject({
      success: responseBoolean().optional(),
      fail_code: responseText().optional(),
      fail_message: responseText().optional(),
    })
    .optional(),
  request_id: z.string().optional(),
});
export type DeliveryOrderSendResponse = z.output<typeof DeliveryOrderSendResponse>;

export const sendDeliveryOrderApi = {
  method: 'tmall.ovs.delivery.order.info.send',
  platform: 'tmall',
  // The page's sample calls it without a session: the warehouse acts as the app, not for a seller.
  requiresSession: false,
  objectParam: 'param',
  request: DeliveryOrderSendRequest,
  response: DeliveryOrderSendResponse,
  failure: ({ result }) =>
    result?.success === true
      ? undefined
      : { subCode: result?.fail_code ?? 'success=false', subMsg: result?.fail_message },
} satisfies TopApi<typeof DeliveryOrderSendRequest, typeof DeliveryOrderSendResponse>;

/** Reports a work order's or consolidation order's packing/outbound status, parcels and services. */
export const sendDeliveryOrder = (
  client: TopClient,
  credentials: TopCredentials,
  request: DeliveryOrderSendRequest,
  options?: TopCallOptions,
): Promise<TopApiResult<DeliveryOrderSendResponse>> =>
  callTopApi(sendDeliveryOrderApi, client, credentials, request, options);
