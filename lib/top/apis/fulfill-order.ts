import * as z from 'zod/mini';
import type { TopCallOptions, TopClient } from '../client.ts';
import type { TopCredentials } from '../signed-fields.ts';
import { callTopApi, type TopApi, type TopApiResult } from './api.ts';
import { asciiText, nonBlank, responseBoolean, responseText } from './fields.ts';

const SEND_TYPES = ['all', 'part'] as const;

/** `aliexpress.solution.order.fulfill` params (flat), with every rule of its page. */
export const FulfillOrderRequest = z
  .strictObject({
    /** Logistics service key from the seller's list of supported services; `other` needs a website. */
    service_name: nonBlank(),
    /** Tracking website, required when `service_name` is `other`. */
    tracking_website: z.optional(z.string()),
    /** The order id to deliver. */
    out_ref: nonBlank(),
    /** `all` ships the whole order (closing it), `part` a part of it. */
    send_type: z.enum(SEND_TYPES),
    /** Remarks, English only, at most 512 characters. */
    description: z.optional(asciiText(512)),
    /** The tracking number. */
    logistics_no: nonBlank(),
  })
  .check(
    z.superRefine((request, ctx) => {
      if (request.service_name.toLowerCase() === 'other' && !request.tracking_website?.trim()) {
        ctx.addIssue({
          code: 'custom',
          path: ['tracking_website'],
          message: 'is required when service_name is "other"',
        });
      }
    }),
  );
export type FulfillOrderRequest = z.input<typeof FulfillOrderRequest>;

export const FulfillOrderResponse = z.looseObject({
  result: z.optional(
    z.looseObject({
      result_success: z.optional(responseBoolean()),
      result_error_code: z.optional(responseText()),
      result_error_desc: z.optional(responseText()),
    }),
  ),
  request_id: z.optional(z.string()),
});
export type FulfillOrderResponse = z.output<typeof FulfillOrderResponse>;

// How TOP refuses to ship an order that was shipped in full (which closed it).
const ALREADY_SHIPPED = /ALREADY_SHIPPED|ORDER_CLOSED|already (?:been )?shipped|order (?:is )?closed/i;

export const fulfillOrderApi = {
  method: 'aliexpress.solution.order.fulfill',
  platform: 'aliexpress',
  requiresSession: true,
  request: FulfillOrderRequest,
  response: FulfillOrderResponse,
  failure: ({ result }) =>
    result?.result_success === true
      ? undefined
      : { subCode: result?.result_error_code ?? 'result_success=false', subMsg: result?.result_error_desc },
  alreadyApplied: ({ subCode, subMsg }) => ALREADY_SHIPPED.test(`${subCode ?? ''} ${subMsg ?? ''}`),
} satisfies TopApi<typeof FulfillOrderRequest, typeof FulfillOrderResponse>;

/** Ships an order (or part of it) for the seller whose session `credentials` carries. */
export const fulfillOrder = (
  client: TopClient,
  credentials: TopCredentials,
  request: FulfillOrderRequest,
  options?: TopCallOptions,
): Promise<TopApiResult<FulfillOrderResponse>> =>
  callTopApi(fulfillOrderApi, client, credentials, request, options);
