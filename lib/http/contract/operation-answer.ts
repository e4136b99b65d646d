import * as z from 'zod';
import { OPERATION_ERROR_KINDS } from '#lib/operations/operation.ts';
import { OperationId, PlatformCode, Timestamp } from './fields.ts';
import { named } from './registry.ts';

/**
 * The answers of `lib/http/operation-response.ts`: what a webhook sender (or an operator's replay)
 * reads back, derived from the operation's record alone, so a redelivery answers as the first did.
 * A FAILED operation is a 422 problem (`TopRejectedProblem`).
 */

const Succeeded = z
  .object({
    operation_id: OperationId,
    status: z.literal('SUCCEEDED'),
    attempts: z.int().min(0).meta({ description: 'platform calls made since creation or the last replay' }),
    top_request_id: z.string().optional().meta({ description: "the platform's id of the call" }),
    top_result: z.unknown().optional().meta({ description: "the platform's answer, as its API returns it" }),
    reconciled: z.literal(true).optional().meta({
      description:
        'the answer to the call that did it was lost; a later call was refused as done already (no `top_result`)',
    }),
  })
  .meta({ description: 'Delivered: the platform accepted the call' });

const Stale = z
  .object({ operation_id: OperationId, status: z.literal('STALE'), detail: z.string() })
  .meta({ description: 'Not sent: a newer event of this delivery order was delivered first' });

const Duplicate = z
  .object({
    operation_id: OperationId,
    status: z.literal('DUPLICATE'),
    duplicate_of: OperationId.optional().meta({ description: 'the operation that carries the same event' }),
    detail: z.string(),
  })
  .meta({
    description:
      'Not sent: the same fulfilment (seller, out_ref, logistics_no, send_type), or the same delivery-order event (occurred_at and status), is carried by another operation',
  });

/** 200: done, one way or another; nothing more will happen to this operation. */
export const OperationDone = named(
  'OperationDone',
  z.discriminatedUnion('status', [Succeeded, Stale, Duplicate]).meta({
    description: 'Done: delivered (SUCCEEDED), or not sent because STALE or DUPLICATE',
  }),
);

/** 202: kept in the outbox; the sweeper attempts it again (or, DEAD, an operator replays it). */
export const OperationAccepted = named(
  'OperationAccepted',
  z
    .object({
      operation_id: OperationId,
      status: z.enum(['PENDING_RETRY', 'IN_PROGRESS', 'DEAD']),
      attempts: z.int().min(0),
      next_attempt_at: Timestamp.optional(),
      last_error: z
        .object({
          kind: z.enum(OPERATION_ERROR_KINDS),
          code: PlatformCode.optional(),
          sub_code: z.string().optional(),
          sub_msg: z.string().optional(),
        })
        .optional()
        .meta({ description: 'what the last attempt met, in the platform’s terms' }),
    })
    .meta({
      description:
        'Kept for retry: a 2xx is a promise that the event reaches the platform. `Location` names the operation; the retry sweeper finishes it. DEAD (after a replay, or at once after an internal failure) waits for an operator',
    }),
);
