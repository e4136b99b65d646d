import * as z from 'zod';
import { OPERATION_ERROR_KINDS } from '#lib/operations/operation.ts';
import { FlowName, OperationId, OperationStatusName, PlatformCode, Timestamp } from './fields.ts';
import { named } from './registry.ts';

/** What the last attempt learnt, in the platform's own terms; `internal` for a failure of this system. */
export const OperationError = named(
  'OperationError',
  z.object({
    kind: z.enum(OPERATION_ERROR_KINDS).meta({
      description:
        'transient, rate_limited and auth are retried; permanent is not; internal: failed in this system (DEAD at once)',
    }),
    message: z.string(),
    code: PlatformCode.optional(),
    sub_code: z.string().optional(),
    sub_msg: z.string().optional(),
    top_request_id: z.string().optional(),
  }),
);

/** The outbox: the whole platform request, without credentials. */
const OutboxRequest = z.object({
  method: z.string().meta({ description: 'the platform API, e.g. `tmall.ovs.delivery.order.info.send`' }),
  seller_id: z.string().optional().meta({ description: 'whose session signs the call' }),
  params: z.record(z.string(), z.unknown()).meta({ description: 'the validated business request' }),
});

/** `GET /operations/{id}`: `operationView` in `lib/http/operation-response.ts`. */
export const OperationView = named(
  'OperationView',
  z
    .object({
      operation_id: OperationId,
      flow: FlowName,
      status: OperationStatusName,
      attempts: z.int().min(0),
      webhook_id: z.string(),
      created_at: Timestamp,
      updated_at: Timestamp,
      next_attempt_at: Timestamp.optional().meta({ description: 'when the sweeper looks at it again' }),
      lease_expires_at: Timestamp.optional(),
      top_request_id: z.string().optional(),
      top_result: z.unknown().optional(),
      last_error: OperationError.optional(),
      duplicate_of: OperationId.optional(),
      outcome_unknown: z.boolean().optional().meta({
        description: 'a call may have reached the platform without its answer reaching us',
      }),
      reconciled: z.boolean().optional(),
      request: OutboxRequest,
    })
    .meta({ description: 'An operation as the outbox keeps it' }),
);
