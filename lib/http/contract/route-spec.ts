import * as z from 'zod';
import { type Example, operationExamples } from './examples.ts';
import { OperationAccepted, OperationDone } from './operation-answer.ts';
import {
  DependencyUnavailableProblem,
  GatewayMessage,
  InternalErrorProblem,
  InvalidPayloadProblem,
  InvalidSignatureProblem,
  LoopbackOnlyProblem,
  MalformedJsonProblem,
  OperationInFlightProblem,
  OperationNotFoundProblem,
  OperationNotReplayableProblem,
  PayloadTooLargeProblem,
  TopRejectedProblem,
  UnsignedIdempotencyKeyProblem,
  UnsupportedMediaTypeProblem,
} from './problem.ts';
import { problemExamples } from './problem-examples.ts';
import { nameOf } from './registry.ts';
import { SellerId } from './seller-view.ts';

/** How a route is declared for the OpenAPI document, and the answers several routes share. */

export type Method = 'GET' | 'POST' | 'DELETE';

/** Who may call a route: a signed webhook sender, an IAM-authorized operator, anyone. */
export type Auth = 'webhook' | 'operator' | 'public';

export type MediaType = 'application/json' | 'application/problem+json' | 'text/html';

/** The headers an answer may carry, declared once under `components.headers`. */
export type AnswerHeader = 'Location' | 'Retry-After' | 'Idempotent-Replayed' | 'Cache-Control';

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
    /** A function's own schema (zod/mini), named in the contract. */
    readonly schema: z.core.$ZodType;
    readonly description: string;
    readonly examples: Readonly<Record<string, Example>>;
  };
  readonly answers: Readonly<Record<number, Answer>>;
}

export const TAGS = {
  webhooks: 'Webhooks: what the WMS and the storefront send, signed (Standard Webhooks)',
  authorization: "Sellers' authorization: where a seller's browser lands after consenting",
  operator: 'Operator API: IAM-authorized (SigV4) in AWS, this machine only with `npm start`',
} as const;
export type Tag = keyof typeof TAGS;

// ---- answers, built from the contract's schemas

export const json = (
  schemas: z.ZodType | readonly z.ZodType[],
  examples?: Record<string, Example>,
): Content => ({
  mediaType: 'application/json',
  schemas: Array.isArray(schemas) ? schemas : [schemas as z.ZodType],
  ...(examples && { examples }),
});

/** Problems of several kinds under one status, each with its example. */
export function problems(
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

export const internal = problems('A failure of this system; the answer shows nothing of it', [
  InternalErrorProblem,
]);
export const unavailable = problems(
  'A dependency is down before anything was stored: retry after `Retry-After` seconds',
  [DependencyUnavailableProblem],
  ['Retry-After'],
);

/** What every webhook of the outbox answers when it refuses a delivery. */
export const webhookRefusals = (refusals422: Answer): Record<number, Answer> => ({
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
export const forbidden: Answer = {
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

export const operatorAnswers = (answers: Record<number, Answer>): Record<number, Answer> => ({
  ...answers,
  403: forbidden,
  500: internal,
  503: unavailable,
});

export const OperationPath = z.object({
  id: z.string().meta({ description: 'the `operation_id` a webhook answered with' }),
});
export const LogisticsOrderPath = z.object({
  id: z.string().meta({ description: 'the logistics order id' }),
});
export const SellerPath = z.object({ seller_id: SellerId });
export const CallbackQuery = z.object({
  code: z.string().optional().meta({ description: "the platform's authorization code (never logged)" }),
  state: z.string().optional().meta({ description: 'the single-use state of the link (never logged)' }),
});

export const replayAnswers: Record<number, Answer> = {
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
