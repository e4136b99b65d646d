import * as z from 'zod';
import { UnknownSellerError } from '#lib/credentials/errors.ts';
import { PROBLEMS, type ProblemKind } from '#lib/errors/problem-error.ts';
import {
  InvalidCursorError,
  InvalidPayloadError,
  InvalidQueryError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnsignedIdempotencyKeyError,
  UnsupportedMediaTypeError,
} from '#lib/http/errors.ts';
import { problemType } from '#lib/http/problem.ts';
import {
  IdempotencyKeyReusedError,
  OperationInFlightError,
  OperationNotFoundError,
  OperationNotReplayableError,
} from '#lib/operations/errors.ts';
import { InvalidSellerIdError, SellerNotFoundError } from '#lib/sellers/errors.ts';
import { LogisticsOrderNotTrackedError } from '#lib/tracking/errors.ts';
import { WebhookVerificationError } from '#lib/webhooks/errors.ts';
import { OperationId, OperationStatusName, PlatformCode } from './fields.ts';
import { named } from './registry.ts';

/** RFC 9457: what every error answer is, `application/problem+json`. */
export const Problem = named(
  'Problem',
  z
    .object({
      type: z.string().meta({ description: '`urn:top-webhooks:problem:<slug>`: stable, to branch on' }),
      title: z.string(),
      status: z.int(),
      detail: z.string().optional().meta({ description: 'this occurrence, in words; never a secret' }),
    })
    .meta({ description: 'An RFC 9457 problem; each kind below adds its own members' }),
);

/** One broken rule of a request, by its path in the body (`delivery_order.error_code`). */
export const FieldIssue = named('FieldIssue', z.object({ path: z.string(), message: z.string() }));

/**
 * A problem kind, as the error class the HTTP edge maps says it: its type, title and status are read
 * from an instance, so they cannot drift from what is answered.
 */
function problemOf<Extension extends z.ZodRawShape>(
  id: string,
  kind: Pick<ProblemKind, 'slug' | 'title' | 'status'>,
  description: string,
  extension: Extension,
) {
  return named(
    id,
    z
      .object({
        type: z.literal(problemType(kind.slug)),
        title: z.literal(kind.title),
        status: z.literal(kind.status),
        detail: z.string(),
        ...extension,
      })
      .meta({ description }),
  );
}

const withOperation = { operation_id: OperationId };

export const MalformedJsonProblem = problemOf(
  'MalformedJsonProblem',
  new MalformedJsonError({ cause: undefined }),
  'The body is not valid JSON (its text is never quoted back)',
  {},
);
export const InvalidPayloadProblem = problemOf(
  'InvalidPayloadProblem',
  new InvalidPayloadError([]),
  'The body breaks rules of the contract: each one is named by its path',
  { errors: z.array(FieldIssue).min(1) },
);
export const UnsignedIdempotencyKeyProblem = problemOf(
  'UnsignedIdempotencyKeyProblem',
  new UnsignedIdempotencyKeyError(),
  'An `Idempotency-Key` header was sent: it is outside the signature; the `webhook-id` is the key',
  {},
);
export const InvalidSignatureProblem = problemOf(
  'InvalidSignatureProblem',
  new WebhookVerificationError('missing_headers'),
  'The Standard Webhooks signature does not verify: the same answer whatever failed; nothing is stored',
  {},
);
export const OperationInFlightProblem = problemOf(
  'OperationInFlightProblem',
  new OperationInFlightError('op', 1_000),
  'The same delivery is being processed by another invocation: retry after `Retry-After` seconds',
  withOperation,
);
export const PayloadTooLargeProblem = problemOf(
  'PayloadTooLargeProblem',
  new PayloadTooLargeError(1),
  'The body is over 1 MiB, or the request is too large to be recorded (a DynamoDB item holds 400 KB)',
  {},
);
export const UnsupportedMediaTypeProblem = problemOf(
  'UnsupportedMediaTypeProblem',
  new UnsupportedMediaTypeError(),
  'The content type is not JSON',
  {},
);
export const IdempotencyKeyReusedProblem = problemOf(
  'IdempotencyKeyReusedProblem',
  new IdempotencyKeyReusedError('op'),
  'This `webhook-id` was already used with another body: refused, never sent',
  withOperation,
);
export const UnknownSellerProblem = problemOf(
  'UnknownSellerProblem',
  new UnknownSellerError('shop-1'),
  'The seller is not configured (no session, even after one refetch of the secret)',
  {},
);
export const DependencyUnavailableProblem = problemOf(
  'DependencyUnavailableProblem',
  PROBLEMS.unavailable,
  'A dependency (Secrets Manager, DynamoDB, the platform for an authorization) is down, or a secret is unusable: nothing was stored; retry after `Retry-After` seconds',
  {},
);
export const OperationNotFoundProblem = problemOf(
  'OperationNotFoundProblem',
  new OperationNotFoundError('op'),
  'No operation has this id (also for an id that is not an operation id’s shape)',
  { operation_id: z.string() },
);
export const OperationNotReplayableProblem = problemOf(
  'OperationNotReplayableProblem',
  new OperationNotReplayableError('op', 'SUCCEEDED'),
  'Only a DEAD or FAILED operation can be replayed; `operation_status` is what it is',
  { ...withOperation, operation_status: OperationStatusName },
);
export const InvalidSellerIdProblem = problemOf(
  'InvalidSellerIdProblem',
  new InvalidSellerIdError(),
  'A `seller_id` that is not 1–64 of `[A-Za-z0-9._-]`',
  {},
);
export const SellerNotFoundProblem = problemOf(
  'SellerNotFoundProblem',
  new SellerNotFoundError('shop-1'),
  'No seller of this id has authorized the app',
  {},
);
export const LogisticsOrderNotTrackedProblem = problemOf(
  'LogisticsOrderNotTrackedProblem',
  new LogisticsOrderNotTrackedError(),
  'No logistics order is tracked under this id (also for an id longer than any tracked one can be)',
  {},
);
export const InvalidQueryProblem = problemOf(
  'InvalidQueryProblem',
  new InvalidQueryError([]),
  'A query parameter is unknown, missing, out of range, or at odds with another: each one is named (`path` is the parameter)',
  { errors: z.array(FieldIssue).min(1) },
);
export const InvalidCursorProblem = problemOf(
  'InvalidCursorProblem',
  new InvalidCursorError('malformed'),
  'The `cursor` is not one this deployment handed out for this query: malformed, modified, of other filters, or from before a key rotation. Start again without a cursor',
  {},
);

/** `lib/http/operation-response.ts`: the platform refused the call for good (the operation is FAILED). */
export const TopRejectedProblem = named(
  'TopRejectedProblem',
  z
    .object({
      type: z.literal(problemType('top-rejected')),
      title: z.literal('TOP rejected the request'),
      status: z.literal(422),
      detail: z.string().optional().meta({ description: "the platform's sub_msg, else its message" }),
      operation_id: OperationId,
      top: z
        .object({
          code: PlatformCode.optional(),
          sub_code: z.string().optional(),
          sub_msg: z.string().optional(),
          request_id: z.string().optional(),
        })
        .meta({ description: "the platform's error as it names it" }),
    })
    .meta({ description: 'The platform refused the call for good: the operation is FAILED (replayable)' }),
);

/** Anything not of ours: a 500 that shows nothing. */
export const InternalErrorProblem = named(
  'InternalErrorProblem',
  z
    .object({
      type: z.literal('about:blank'),
      title: z.literal('Internal Server Error'),
      status: z.literal(500),
    })
    .meta({ description: 'A failure of this system: the answer shows nothing of it' }),
);

/** An operator path under no route of the function (only reachable by a misrouted request). */
export const NotFoundProblem = named(
  'NotFoundProblem',
  z.object({ type: z.literal('about:blank'), title: z.literal('Not Found'), status: z.literal(404) }),
);

/** What the local gateway answers a caller not on this machine for an operator route. */
export const LoopbackOnlyProblem = named(
  'LoopbackOnlyProblem',
  z
    .object({
      type: z.literal('about:blank'),
      title: z.literal('Forbidden'),
      status: z.literal(403),
      detail: z.string(),
      instance: z.string(),
    })
    .meta({ description: '`npm start`: the operator routes answer this machine only' }),
);

/** API Gateway's own answer when the IAM authorizer refuses a request (no function runs). */
export const GatewayMessage = named(
  'GatewayMessage',
  z
    .object({ message: z.string() })
    .meta({ description: 'API Gateway\'s own answer, e.g. `{"message":"Forbidden"}`' }),
);
