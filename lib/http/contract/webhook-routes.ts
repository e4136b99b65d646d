import * as z from 'zod';
import { StorefrontFulfillment, TrackingRequest, WmsDelivery } from './bodies.ts';
import { callbackPageExamples, operationExamples, requestExamples } from './examples.ts';
import { LogisticsOrderView } from './logistics-order-view.ts';
import { OperationAccepted, OperationDone } from './operation-answer.ts';
import { logisticsOrderExamples } from './order-examples.ts';
import {
  IdempotencyKeyReusedProblem,
  InvalidPayloadProblem,
  InvalidSignatureProblem,
  MalformedJsonProblem,
  PayloadTooLargeProblem,
  TopRejectedProblem,
  UnknownSellerProblem,
  UnsupportedMediaTypeProblem,
} from './problem.ts';
import {
  CallbackQuery,
  internal,
  json,
  problems,
  type RouteSpec,
  unavailable,
  webhookRefusals,
} from './route-spec.ts';

const WEBHOOK_DESCRIPTION = `Signed as Standard Webhooks (headers \`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`; see docs/webhook-signing.md). The \`webhook-id\` is the idempotency key: retry with the same one and the same body; an \`Idempotency-Key\` header is refused (400). A 2xx is a promise that the event reaches the platform.`;

/** Every route of the HTTP API, once: the generator, the tests and the docs read this table. */
/** The webhooks, and the OAuth callback a seller's browser lands on. */
export const WEBHOOK_ROUTES: readonly RouteSpec[] = [
  {
    method: 'POST',
    path: '/webhooks/wms/delivery-orders',
    operationId: 'sendDeliveryOrder',
    tag: 'webhooks',
    summary: 'A warehouse reports a delivery order’s status (`tmall.ovs.delivery.order.info.send`)',
    description: `${WEBHOOK_DESCRIPTION}

\`delivery_order\` is the API's \`param\`, field for field. Rules the schema cannot show: one of \`ticket_id\` or \`platform_order_id\` is required; \`error_code\` with PACK_FAIL and ABNORMAL_DELIVERY; each value-added service's \`charge_type\` requires its fields (volumeWeight: length, width, height; weight: weight; packageNum: package_count; itemNum: item_count); \`remark\` at most 100 characters; \`ticket_id\` and \`platform_order_id\` at most 128 characters. \`occurred_at\` orders the events of one delivery order: an older one is not sent (STALE), nor one with the same time and status (DUPLICATE).`,
    auth: 'webhook',
    body: {
      schema: WmsDelivery,
      description: 'The delivery order as the platform API takes it, and when the warehouse saw the change',
      examples: { packFinish: requestExamples.wmsPackFinish, packFail: requestExamples.wmsPackFail },
    },
    answers: {
      200: {
        description:
          'Delivered (SUCCEEDED), or not sent: STALE or DUPLICATE. A redelivery replays this answer',
        content: [
          json(OperationDone, {
            delivered: operationExamples.wmsDelivered,
            stale: operationExamples.wmsStale,
            duplicate: operationExamples.wmsDuplicate,
          }),
        ],
        headers: ['Idempotent-Replayed'],
      },
      202: {
        description: 'Kept for retry; the sweeper finishes it. `Location` names the operation',
        content: [json(OperationAccepted, { pendingRetry: operationExamples.wmsPendingRetry })],
        headers: ['Location', 'Idempotent-Replayed'],
      },
      ...webhookRefusals(
        problems(
          'The platform refused it for good (the operation is FAILED: replayable), or the `webhook-id` came with another body',
          [TopRejectedProblem, IdempotencyKeyReusedProblem],
        ),
      ),
    },
  },
  {
    method: 'POST',
    path: '/webhooks/storefront/fulfillments',
    operationId: 'fulfillOrder',
    tag: 'webhooks',
    summary: 'A storefront ships an order (`aliexpress.solution.order.fulfill`)',
    description: `${WEBHOOK_DESCRIPTION}

\`fulfillment\` is the API's params, field for field. Rules the schema cannot show: \`tracking_website\` is required when \`service_name\` is \`other\`; \`description\` is English (printable ASCII) and at most 512 characters; \`seller_id\` at most 128 characters, and required when several sellers are configured. A fulfilment of the same (seller, out_ref, logistics_no, send_type) is sent once whatever delivery carries it (DUPLICATE).`,
    auth: 'webhook',
    body: {
      schema: StorefrontFulfillment,
      description: 'The seller and the fulfilment as the platform API takes it',
      examples: { fulfillment: requestExamples.storefrontFulfillment },
    },
    answers: {
      200: {
        description:
          'Shipped (SUCCEEDED, maybe `reconciled`), or DUPLICATE. A redelivery replays this answer',
        content: [
          json(OperationDone, {
            delivered: operationExamples.storefrontDelivered,
            reconciled: operationExamples.storefrontReconciled,
            duplicate: operationExamples.storefrontDuplicate,
          }),
        ],
        headers: ['Idempotent-Replayed'],
      },
      202: {
        description: 'Kept for retry; the sweeper finishes it. `Location` names the operation',
        content: [json(OperationAccepted, { pendingRetry: operationExamples.storefrontPendingRetry })],
        headers: ['Location', 'Idempotent-Replayed'],
      },
      ...webhookRefusals(
        problems(
          'The platform refused it for good (the operation is FAILED: replayable), the `webhook-id` came with another body, or the seller is unknown',
          [TopRejectedProblem, IdempotencyKeyReusedProblem, UnknownSellerProblem],
        ),
      ),
    },
  },
  {
    method: 'POST',
    path: '/webhooks/storefront/logistics-orders',
    operationId: 'trackLogisticsOrder',
    tag: 'webhooks',
    summary: 'A storefront starts tracking a logistics order (`aliexpress.local.logistics.order.info.query`)',
    description:
      'Signed as the storefront (Standard Webhooks; see docs/webhook-signing.md). Idempotent: an order tracked already is answered as it stands (200). `seller_id` and `logistics_order_id` take at most 128 characters; `seller_id` may be left out when exactly one seller is configured. The refresh then reads the order every few minutes until 6 DELIVERED or 7 CANCELLED.',
    auth: 'webhook',
    body: {
      schema: TrackingRequest,
      description: 'Whose session queries the order, and the order',
      examples: { tracking: requestExamples.tracking },
    },
    answers: {
      200: {
        description: 'Tracked already: the order as it stands',
        content: [json(LogisticsOrderView, { shipped: logisticsOrderExamples.shipped })],
        headers: ['Location'],
      },
      201: {
        description: 'Tracking starts; the first refresh is due now',
        content: [json(LogisticsOrderView, { created: logisticsOrderExamples.created })],
        headers: ['Location'],
      },
      400: problems('Malformed JSON, or a broken rule (each named)', [
        MalformedJsonProblem,
        InvalidPayloadProblem,
      ]),
      401: problems('The signature does not verify; nothing is stored', [InvalidSignatureProblem]),
      413: problems('Body over 1 MiB', [PayloadTooLargeProblem]),
      415: problems('Not JSON', [UnsupportedMediaTypeProblem]),
      422: problems('The seller is unknown', [UnknownSellerProblem]),
      500: internal,
      503: unavailable,
    },
  },
  {
    method: 'GET',
    path: '/oauth/callback',
    operationId: 'completeSellerAuthorization',
    tag: 'authorization',
    summary: "Where the platform sends a seller's browser back after consent",
    description:
      'Public: the seller’s browser lands here from the platform’s consent page. Takes the single-use state back, exchanges the code at `/rest/auth/token/create`, stores the tokens, and answers a short page for a person (`Cache-Control: no-store`, `Referrer-Policy: no-referrer`: the address holds the code). Nothing is stored on a failure.',
    auth: 'public',
    query: CallbackQuery,
    answers: {
      200: {
        description: 'The seller is connected',
        content: [
          {
            mediaType: 'text/html',
            schemas: [z.string()],
            examples: { connected: callbackPageExamples.connected },
          },
        ],
        headers: ['Cache-Control'],
      },
      400: {
        description:
          'A missing, forged, used or expired state; no code (the seller declined); or a code the platform refuses. The page says which',
        content: [
          {
            mediaType: 'text/html',
            schemas: [z.string()],
            examples: { expired: callbackPageExamples.expired },
          },
        ],
        headers: ['Cache-Control'],
      },
      409: {
        description: 'The seller is being renewed at this moment: open the link again in a minute',
        content: [{ mediaType: 'text/html', schemas: [z.string()] }],
        headers: ['Cache-Control'],
      },
      500: {
        description: 'A failure of this system: ask for a new link',
        content: [{ mediaType: 'text/html', schemas: [z.string()] }],
        headers: ['Cache-Control'],
      },
      503: {
        description: 'The platform or a dependency could not be reached: open the link again',
        content: [{ mediaType: 'text/html', schemas: [z.string()] }],
        headers: ['Cache-Control', 'Retry-After'],
      },
    },
  },
];
