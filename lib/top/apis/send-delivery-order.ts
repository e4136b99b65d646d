import * as z from 'zod/mini';
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
  sku_name: z.optional(z.string()),
  quantity: z.optional(count()),
  /** Platform SKU, encrypted. */
  sku_code: z.optional(z.string()),
  length: z.optional(count()),
  width: z.optional(count()),
  height: z.optional(count()),
  weight: z.optional(count()),
  /** Deprecated by the platform; still accepted. */
  order_id: z.optional(z.string()),
});

/** DeliveryOrderRequestPackageDTO: one outbound parcel of a split shipment (takes precedence over the parcel fields). */
const DeliveryPackage = z.strictObject({
  /** Tracking numbers of the inbound parcels merged into this one. */
  origin_package_mail_nos: z.optional(z.array(z.string())),
  mail_no: z.optional(z.string()),
  /** The warehouse's id of this package. */
  outer_package_id: z.optional(z.string()),
  length: z.optional(count()),
  width: z.optional(count()),
  height: z.optional(count()),
  weight: z.optional(count()),
  status: z.optional(z.enum(PACKAGE_STATUSES)),
});

/** LogisticServiceFulfilDTO: how a value-added service was fulfilled. */
const ServiceFulfilment = z
  .strictObject({
    service_code: z.optional(z.string()),
    pic_urls: z.optional(z.array(z.string())),
    remark: z.optional(maxChars(100)),
    length: z.optional(count()),
    width: z.optional(count()),
    height: z.optional(count()),
    weight: z.optional(count()),
    package_count: z.optional(count()),
    item_count: z.optional(count()),
    charge_type: z.optional(z.enum(CHARGE_TYPES)),
    /** From the dispatch; 1 for a standard logistics service. */
    sub_ticket_id: z.optional(count()),
    result_fail: z.optional(z.boolean()),
    fail_msg: z.optional(z.string()),
  })
  .check(
    z.superRefine((service, ctx) => {
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
    }),
  );

/** `param` (DeliveryOrderSendRequest) of `tmall.ovs.delivery.order.info.send`. */
export const DeliveryOrderSendRequest = z
  .strictObject({
    /** Platform buyer id, encrypted. */
    open_user_id: z.optional(z.string()),
    /** Consolidation-order id; issued once the buyer has paid the freight. */
    platform_order_id: z.optional(idString()),
    /** Work-order id; comes first for far regions. One of ticket_id / platform_order_id is required. */
    ticket_id: z.optional(idString()),
    status: z.optional(z.enum(DELIVERY_STATUSES)),
    mail_no: z.optional(z.string()),
    mail_company: z.optional(z.string()),
    /** Last-mile tracking number and carrier (non-consolidation case). */
    end_mail_no: z.optional(z.string()),
    end_mail_company: z.optional(z.string()),
    exception_desc: z.optional(z.string()),
    length: z.optional(count()),
    width: z.optional(count()),
    height: z.optional(count()),
    weight: z.optional(count()),
    goods_list: z.optional(z.array(DeliveryGood)),
    package_list: z.optional(z.array(DeliveryPackage)),
    service_fulfil_result: z.optional(z.array(ServiceFulfilment)),
    /** Extra fees in fen (CNY cents), added to the freight. */
    other_fee: z.optional(count()),
    other_fee_desc: z.optional(z.string()),
    error_code: z.optional(z.enum(DELIVERY_ERROR_CODES)),
  })
  .check(
    z.superRefine((request, ctx) => {
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
    }),
  );
export type DeliveryOrderSendRequest = z.input<typeof DeliveryOrderSendRequest>;

export const DeliveryOrderSendResponse = z.looseObject({
  result: z.optional(
    z.looseObject({
      success: z.optional(responseBoolean()),
      fail_code: z.optional(responseText()),
      fail_message: z.optional(responseText()),
    }),
  ),
  request_id: z.optional(z.string()),
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
