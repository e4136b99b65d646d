import * as z from 'zod';
import packageJson from '../../../package.json' with { type: 'json' };
import { StorefrontFulfillment, TrackingRequest, WmsDelivery } from './bodies.ts';
import {
  callbackPageExamples,
  type Example,
  logisticsOrderExamples,
  logisticsOrderPageExamples,
  operationExamples,
  operationPageExamples,
  operationViewExamples,
  problemExamples,
  replayBatchExamples,
  requestExamples,
  sellerExamples,
  sellerListExamples,
  signingExample,
  statusExamples,
} from './examples.ts';
import { LogisticsOrderListQuery, LogisticsOrderPage } from './logistics-order-list.ts';
import { LogisticsOrderView } from './logistics-order-view.ts';
import { OperationAccepted, OperationDone } from './operation-answer.ts';
import { OperationListQuery, OperationPage } from './operation-list.ts';
import { ReplayBatchRequest, ReplayBatchResult } from './operation-replay.ts';
import { OperationView } from './operation-view.ts';
import {
  DependencyUnavailableProblem,
  GatewayMessage,
  IdempotencyKeyReusedProblem,
  InternalErrorProblem,
  InvalidCursorProblem,
  InvalidPayloadProblem,
  InvalidQueryProblem,
  InvalidSellerIdProblem,
  InvalidSignatureProblem,
  LogisticsOrderNotTrackedProblem,
  LoopbackOnlyProblem,
  MalformedJsonProblem,
  NotFoundProblem,
  OperationInFlightProblem,
  OperationNotFoundProblem,
  OperationNotReplayableProblem,
  PayloadTooLargeProblem,
  SellerNotFoundProblem,
  TopRejectedProblem,
  UnknownSellerProblem,
  UnsignedIdempotencyKeyProblem,
  UnsupportedMediaTypeProblem,
} from './problem.ts';
import { contractSchemas } from './registry.ts';
import { SellerId, SellerList, SellerView } from './seller-view.ts';
import { SystemStatus } from './status.ts';

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the contract's zod schemas: `npm run
 * openapi` writes it to `docs/openapi.json`. Every route is declared once, in {@link ROUTES}, with the
 * schemas of its request and answers. Dev tooling only: no function imports this module.
 */

type Method = 'GET' | 'POST' | 'DELETE';

/** Who may call a route: a signed webhook sender, an IAM-authorized operator, anyone. */
export type Auth = 'webhook' | 'operator' | 'public';

type MediaType = 'application/json' | 'application/problem+json' | 'text/html';

/** The headers an answer may carry, declared once under `components.headers`. */
type AnswerHeader = 'Location' | 'Retry-After' | 'Idempotent-Replayed' | 'Cache-Control';

/** One media type of an answer: its schema, or the schemas it may be (`anyOf`); each named in the contract. */
export interface Content {
  readonly mediaType: MediaType;
  readonly schemas: readonly z.ZodType[];
  readonly examples?: Readonly<Record<string, Example>>;
}

export interface Answer {
  readonly description: string;
  readonly content?: readonly Content[];
  readonly headers?: readonly AnswerHeader[];
}

export interface RouteSpec {
  readonly method: Method;
  /** As the HTTP API declares it: literal segments and `{name}` parameters. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: Tag;
  readonly summary: string;
  readonly description: string;
  readonly auth: Auth;
  readonly pathParameters?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: {
    readonly schema: z.ZodType;
    readonly description: string;
    readonly examples: Readonly<Record<string, Example>>;
  };
  readonly answers: Readonly<Record<number, Answer>>;
}

const TAGS = {
  webhooks: 'Webhooks: what the WMS and the storefront send, signed (Standard Webhooks)',
  authorization: "Sellers' authorization: where a seller's browser lands after consenting",
  operator: 'Operator API: IAM-authorized (SigV4) in AWS, this machine only with `npm start`',
} as const;
type Tag = keyof typeof TAGS;

// ---- answers, built from the contract's schemas

const json = (schemas: z.ZodType | readonly z.ZodType[], examples?: Record<string, Example>): Content => ({
  mediaType: 'application/json',
  schemas: Array.isArray(schemas) ? schemas : [schemas as z.ZodType],
  ...(examples && { examples }),
});

/** Problems of several kinds under one status, each with its example. */
function problems(
  description: string,
  kinds: readonly z.ZodType[],
  headers?: readonly AnswerHeader[],
): Answer {
  const examples: Record<string, Example> = {};
  for (const kind of kinds) {
    const id = nameOf(kind);
    const example = problemExamples[id];
    if (example) examples[id] = example;
  }
  return {
    description,
    content: [{ mediaType: 'application/problem+json', schemas: kinds, examples }],
    ...(headers && { headers }),
  };
}

const internal = problems('A failure of this system; the answer shows nothing of it', [InternalErrorProblem]);
const unavailable = problems(
  'A dependency is down before anything was stored: retry after `Retry-After` seconds',
  [DependencyUnavailableProblem],
  ['Retry-After'],
);

/** What every webhook of the outbox answers when it refuses a delivery. */
const webhookRefusals = (refusals422: Answer): Record<number, Answer> => ({
  400: problems('Malformed JSON, a broken rule (each named), or an `Idempotency-Key` header', [
    MalformedJsonProblem,
    InvalidPayloadProblem,
    UnsignedIdempotencyKeyProblem,
  ]),
  401: problems('The signature does not verify, whatever failed; nothing is stored', [
    InvalidSignatureProblem,
  ]),
  409: problems(
    'The same delivery (`webhook-id`) is in flight: retry after `Retry-After` seconds',
    [OperationInFlightProblem],
    ['Retry-After'],
  ),
  413: problems('Body over 1 MiB, or a request too large to be recorded', [PayloadTooLargeProblem]),
  415: problems('Not JSON', [UnsupportedMediaTypeProblem]),
  422: refusals422,
  500: internal,
  503: unavailable,
});

/** What the gateway answers an operator route before its function runs. */
const forbidden: Answer = {
  description:
    "AWS: the request carries no valid SigV4 signature of a principal allowed `execute-api:Invoke` (API Gateway's own answer). `npm start`: the caller is not on this machine",
  content: [
    json(GatewayMessage, { forbidden: problemExamples.GatewayMessage as Example }),
    {
      mediaType: 'application/problem+json',
      schemas: [LoopbackOnlyProblem],
      examples: { loopback: problemExamples.LoopbackOnlyProblem as Example },
    },
  ],
};

const operatorAnswers = (answers: Record<number, Answer>): Record<number, Answer> => ({
  ...answers,
  403: forbidden,
  500: internal,
  503: unavailable,
});

const OperationPath = z.object({
  id: z.string().meta({ description: 'the `operation_id` a webhook answered with' }),
});
const LogisticsOrderPath = z.object({ id: z.string().meta({ description: 'the logistics order id' }) });
const SellerPath = z.object({ seller_id: SellerId });
const CallbackQuery = z.object({
  code: z.string().optional().meta({ description: "the platform's authorization code (never logged)" }),
  state: z.string().optional().meta({ description: 'the single-use state of the link (never logged)' }),
});

const replayAnswers: Record<number, Answer> = {
  200: {
    description: 'Delivered this time',
    content: [json(OperationDone, { delivered: operationExamples.storefrontDelivered })],
  },
  202: {
    description: 'Attempted, and kept for retry again; `Location` names the operation',
    content: [json(OperationAccepted, { pendingRetry: operationExamples.replayedDead })],
    headers: ['Location'],
  },
  404: problems('No operation has this id', [OperationNotFoundProblem]),
  409: problems('The operation is not DEAD nor FAILED', [OperationNotReplayableProblem]),
  422: problems('The platform refused it for good, again: FAILED', [TopRejectedProblem]),
};

// ---- the routes

const WEBHOOK_DESCRIPTION = `Signed as Standard Webhooks (headers \`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`; see docs/webhook-signing.md). The \`webhook-id\` is the idempotency key: retry with the same one and the same body; an \`Idempotency-Key\` header is refused (400). A 2xx is a promise that the event reaches the platform.`;

/** Every route of the HTTP API, once: the generator, the tests and the docs read this table. */
export const ROUTES: readonly RouteSpec[] = [
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
  {
    method: 'GET',
    path: '/operations',
    operationId: 'listOperations',
    tag: 'operator',
    summary: 'List the operations of one status',
    description:
      'A page of the operations of `status` that match every other filter given, newest first; `next_cursor` leads to the next page (pass it with the same filters).',
    auth: 'operator',
    query: OperationListQuery,
    answers: operatorAnswers({
      200: { description: 'A page of operations', content: [json(OperationPage, operationPageExamples)] },
      400: problems('A query parameter is unknown or out of range (each named), or the cursor is refused', [
        InvalidQueryProblem,
        InvalidCursorProblem,
      ]),
    }),
  },
  {
    method: 'POST',
    path: '/operations/replay',
    operationId: 'replayOperations',
    tag: 'operator',
    summary: 'Replay the DEAD or FAILED operations that match',
    description:
      'Each operation that matches gets a fresh retry budget and is attempted at once, oldest first, as `POST /operations/{id}/replay` does for one. At most `limit` (100) per call. Safe to repeat; an operation another replay took first is counted `skipped`, and those the invocation had no time left for are counted `remaining`: call again for them.',
    auth: 'operator',
    body: {
      schema: ReplayBatchRequest,
      description: 'Which operations',
      examples: { dead: requestExamples.replayDead },
    },
    answers: operatorAnswers({
      200: { description: 'What was replayed', content: [json(ReplayBatchResult, replayBatchExamples)] },
      400: problems('Malformed JSON, or a broken rule (each named)', [
        MalformedJsonProblem,
        InvalidPayloadProblem,
      ]),
      415: problems('Not JSON', [UnsupportedMediaTypeProblem]),
    }),
  },
  {
    method: 'GET',
    path: '/operations/{id}',
    operationId: 'getOperation',
    tag: 'operator',
    summary: 'An operation: its status, attempts, last error and outbox request',
    description: 'An id that is not an operation id’s shape is a 404 too.',
    auth: 'operator',
    pathParameters: OperationPath,
    answers: operatorAnswers({
      200: { description: 'The operation', content: [json(OperationView, operationViewExamples)] },
      404: problems('No operation has this id', [OperationNotFoundProblem, NotFoundProblem]),
    }),
  },
  {
    method: 'POST',
    path: '/operations/{id}/replay',
    operationId: 'replayOperation',
    tag: 'operator',
    summary: 'Replay a DEAD or FAILED operation: a fresh retry budget and an attempt now',
    description: 'Answers as the webhook would have for the attempt made now.',
    auth: 'operator',
    pathParameters: OperationPath,
    answers: operatorAnswers(replayAnswers),
  },
  {
    method: 'GET',
    path: '/logistics-orders',
    operationId: 'listLogisticsOrders',
    tag: 'operator',
    summary: 'List tracked logistics orders',
    description:
      'A page of tracked orders that match every filter given, newest first, without their snapshots and histories; `next_cursor` leads to the next page (pass it with the same filters). `parked=true` with `stopped=true` is refused (400 `invalid-query`).',
    auth: 'operator',
    query: LogisticsOrderListQuery,
    answers: operatorAnswers({
      200: {
        description: 'A page of tracked orders',
        content: [json(LogisticsOrderPage, logisticsOrderPageExamples)],
      },
      400: problems(
        'A query parameter is unknown or out of range, or `parked` and `stopped` both true (each named); or the cursor is refused',
        [InvalidQueryProblem, InvalidCursorProblem],
      ),
    }),
  },
  {
    method: 'GET',
    path: '/logistics-orders/{id}',
    operationId: 'getLogisticsOrder',
    tag: 'operator',
    summary: 'A tracked logistics order: its snapshot, status history, last refresh and error',
    description:
      'The snapshot holds personal data (names, addresses, tax ids): it is never logged. `parked` or `stopped` say why refreshes wait, or ended.',
    auth: 'operator',
    pathParameters: LogisticsOrderPath,
    answers: operatorAnswers({
      200: { description: 'The tracked order', content: [json(LogisticsOrderView, logisticsOrderExamples)] },
      404: problems('Not tracked', [LogisticsOrderNotTrackedProblem]),
    }),
  },
  {
    method: 'DELETE',
    path: '/logistics-orders/{id}',
    operationId: 'untrackLogisticsOrder',
    tag: 'operator',
    summary: 'Stop tracking a logistics order',
    description:
      'The order and its snapshot are deleted; no more refreshes. For an order whose refreshes stopped (the platform does not know it), among others.',
    auth: 'operator',
    pathParameters: LogisticsOrderPath,
    answers: operatorAnswers({
      204: { description: 'No longer tracked; no body' },
      404: problems('Not tracked', [LogisticsOrderNotTrackedProblem]),
    }),
  },
  {
    method: 'GET',
    path: '/sellers',
    operationId: 'listSellers',
    tag: 'operator',
    summary: 'The sellers who authorized the app',
    description: 'Never a token. `authorize_url` hands out a fresh link for a seller to send.',
    auth: 'operator',
    answers: operatorAnswers({
      200: { description: 'Every seller', content: [json(SellerList, sellerListExamples)] },
    }),
  },
  {
    method: 'GET',
    path: '/sellers/{seller_id}',
    operationId: 'getSeller',
    tag: 'operator',
    summary: 'A seller’s authorization',
    description: 'Never a token.',
    auth: 'operator',
    pathParameters: SellerPath,
    answers: operatorAnswers({
      200: { description: 'The seller', content: [json(SellerView, sellerExamples)] },
      400: problems('Not a seller id', [InvalidSellerIdProblem]),
      404: problems('The seller never authorized the app', [SellerNotFoundProblem]),
    }),
  },
  {
    method: 'GET',
    path: '/sellers/{seller_id}/authorize',
    operationId: 'authorizeSeller',
    tag: 'operator',
    summary: 'A link to the platform’s consent page, for the seller to open',
    description:
      'Redirects to `{AE_GATEWAY_URL}/oauth/authorize?response_type=code&force_auth=true&client_id=…&redirect_uri={PUBLIC_URL}/oauth/callback&state=…`. The state is 256 random bits bound to the seller, single use, valid for 10 minutes: hand the `Location` to the seller.',
    auth: 'operator',
    pathParameters: SellerPath,
    answers: operatorAnswers({
      302: { description: "The platform's consent page", headers: ['Location', 'Cache-Control'] },
      400: problems('Not a seller id', [InvalidSellerIdProblem]),
    }),
  },
  {
    method: 'GET',
    path: '/status',
    operationId: 'getStatus',
    tag: 'operator',
    summary:
      'The system at a glance: the shared ban, operations by status, parked sellers and orders, stopped orders',
    description:
      'Counts only; no ids, no personal data. A count that reads too many entries stops and is a lower bound: `capped` names it.',
    auth: 'operator',
    answers: operatorAnswers({
      200: { description: 'The status', content: [json(SystemStatus, statusExamples)] },
    }),
  },
];

// ---- the document

const SCHEMA_REF = '#/components/schemas/';

/** The name the contract gives a schema; a body or an answer the document shows must have one. */
export function nameOf(schema: z.ZodType): string {
  const id = contractSchemas.get(schema)?.id;
  if (id === undefined)
    throw new Error('a schema the document shows must be named in the contract (named())');
  return id;
}

const HEADERS: Record<AnswerHeader, object> = {
  Location: {
    description: 'Where the resource is looked up: the operator API’s path, or the platform’s consent page',
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
  'Idempotent-Replayed': {
    description: '`true`: the stored answer of an earlier delivery of this `webhook-id`; nothing was called',
    schema: { type: 'string', const: 'true' },
  },
  'Cache-Control': { description: '`no-store`', schema: { type: 'string', const: 'no-store' } },
};

const WEBHOOK_PARAMETERS = {
  WebhookId: {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description:
      'The delivery’s id, unique per event: the idempotency key. A retry of the same event carries the same id (and the same body).',
    schema: { type: 'string', minLength: 1 },
    example: signingExample.id,
  },
  WebhookTimestamp: {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'When it was signed, whole Unix seconds; refused more than 5 minutes away from our clock.',
    schema: { type: 'string', pattern: '^\\d{1,15}$' },
    example: signingExample.timestamp,
  },
  WebhookSignature: {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      'Space-separated signatures `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, keyed with the base64-decoded part of a `whsec_` secret; one that matches any of the current secrets suffices.',
    schema: { type: 'string', minLength: 1 },
    example: signingExample.signature,
  },
} as const;

const SECURITY_SCHEMES = {
  standardWebhooks: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description:
      'Standard Webhooks: HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{raw body}` with the source’s `whsec_` secret (WMS or storefront), base64, prefixed `v1,`; the timestamp within ±5 minutes; several secrets at once during a rotation. Any failure answers 401, the same whatever failed. See docs/webhook-signing.md.',
  },
  aws_iam: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    'x-amazon-apigateway-authtype': 'awsSigv4',
    description:
      'AWS IAM: the request is signed with Signature Version 4 (service `execute-api`) by a principal allowed `execute-api:Invoke` on the route; API Gateway answers 403 otherwise. With `npm start` the operator routes answer this machine only, unsigned.',
  },
} as const;

const SECURITY: Record<Auth, readonly Record<string, never[]>[]> = {
  webhook: [{ standardWebhooks: [] }],
  operator: [{ aws_iam: [] }],
  public: [],
};

/**
 * How the contract's schemas become JSON Schema. Bodies are what a sender writes (input); answers
 * carry no transforms, so their input is also what a client reads, and without the output's
 * `additionalProperties: false` a field added later breaks no client.
 */
const JSON_SCHEMA_OPTIONS = {
  io: 'input',
  target: 'draft-2020-12',
  override: ({ jsonSchema }) => {
    // `format: date-time` is RFC 3339, which already requires the zone; zod's pattern says it again in 400 characters.
    if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
  },
} as const satisfies Parameters<typeof z.toJSONSchema>[1];

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(contractSchemas, {
    ...JSON_SCHEMA_OPTIONS,
    uri: (id) => `${SCHEMA_REF}${id}`,
  });
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(schemas).sort()) {
    if (name === '__shared') throw new Error('a schema is shared without a name in the contract: name it');
    // Components are parts of the document, not documents: no `$schema`, no `$id`.
    const { $schema: _schema, $id: _id, ...schema } = schemas[name] as Record<string, unknown>;
    out[name] = schema;
  }
  return out;
}

/** A zod object of parameters as OpenAPI parameters: one per property, its description lifted out. */
function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query'): object[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    const required = location === 'path' || (json.required ?? []).includes(name);
    return { name, in: location, required, ...(description !== undefined && { description }), schema: rest };
  });
}

function mediaObject(content: Content): object {
  const refs = content.schemas.map((schema) =>
    content.mediaType === 'text/html' ? { type: 'string' } : { $ref: `${SCHEMA_REF}${nameOf(schema)}` },
  );
  return {
    schema: refs.length === 1 ? refs[0] : { anyOf: refs },
    ...(content.examples && Object.keys(content.examples).length > 0 && { examples: content.examples }),
  };
}

function operation(route: RouteSpec): object {
  const responses: Record<string, object> = {};
  for (const status of Object.keys(route.answers).sort()) {
    const answer = route.answers[Number(status)] as Answer;
    responses[status] = {
      description: answer.description,
      ...(answer.headers && {
        headers: Object.fromEntries(
          answer.headers.map((name) => [name, { $ref: `#/components/headers/${name}` }]),
        ),
      }),
      ...(answer.content && {
        content: Object.fromEntries(
          answer.content.map((content) => [content.mediaType, mediaObject(content)]),
        ),
      }),
    };
  }
  const params = [
    ...(route.auth === 'webhook'
      ? Object.keys(WEBHOOK_PARAMETERS).map((name) => ({ $ref: `#/components/parameters/${name}` }))
      : []),
    ...parameters(route.pathParameters, 'path'),
    ...parameters(route.query, 'query'),
  ];
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    security: SECURITY[route.auth],
    ...(params.length > 0 && { parameters: params }),
    ...(route.body && {
      requestBody: {
        required: true,
        description: route.body.description,
        content: {
          'application/json': {
            schema: { $ref: `${SCHEMA_REF}${nameOf(route.body.schema)}` },
            examples: route.body.examples,
          },
        },
      },
    }),
    responses,
  };
}

/** The OpenAPI 3.1 document of {@link ROUTES}. */
export function openapiDocument(routes: readonly RouteSpec[] = ROUTES): Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`${route.method} ${route.path} is declared twice`);
    item[method] = operation(route);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'TOP webhooks',
      version: packageJson.version,
      description:
        'Webhooks from warehouses (WMS) and storefronts to Alibaba’s open platforms (Tmall’s TOP, the AliExpress Open Platform), the OAuth callback of sellers’ authorization, and the operator API. Generated from the zod schemas the functions parse with (`npm run openapi`); see docs/README.md.',
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'AWS: the stack’s HTTP API (output `ApiUrl`)',
        variables: { apiId: { default: 'abc123' }, region: { default: 'eu-west-1' } },
      },
      { url: 'http://127.0.0.1:3000', description: '`npm start` (PORT, default 3000)' },
    ],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: componentSchemas(),
      parameters: WEBHOOK_PARAMETERS,
      headers: HEADERS,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

/** The document as `docs/openapi.json` holds it: 2-space JSON and a final newline. */
export const renderOpenapi = (document: Record<string, unknown> = openapiDocument()): string =>
  `${JSON.stringify(document, null, 2)}\n`;
