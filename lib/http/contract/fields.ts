import * as z from 'zod';
import { FLOWS, OPERATION_STATUSES } from '#lib/operations/operation.ts';

/** A time in an answer: ISO 8601 in UTC, as `Date#toISOString` writes it. */
export const Timestamp = z.iso.datetime().meta({ description: 'ISO 8601, UTC' });

/** The shape `operationIdFor` gives: `op_` and 26 base64url characters of a SHA-256. */
export const OperationId = z
  .string()
  .regex(/^op_[A-Za-z0-9_-]{26}$/)
  .meta({ description: 'derived from the flow and the `webhook-id`: the same delivery, the same operation' });

export const FlowName = z.enum(FLOWS).meta({ description: 'the webhook flow that created the operation' });

export const OperationStatusName = z.enum(OPERATION_STATUSES).meta({
  description:
    'IN_PROGRESS (held by one invocation), SUCCEEDED, FAILED (the platform refused it for good), PENDING_RETRY (in the outbox), DEAD (retry budget spent; replayable), STALE and DUPLICATE (not sent)',
});

/** The platform's error code: a number on TOP (`15`), a name on IOP (`IllegalAccessToken`). */
export const PlatformCode = z
  .union([z.int(), z.string()])
  .meta({ description: "the platform's error code: a number on TOP, a name on IOP" });

/** A page's position, opaque to the caller: pass `next_cursor` back as `cursor`. */
export const NextCursor = z
  .string()
  .nullable()
  .meta({ description: 'pass it as `cursor` for the next page; null on the last page' });

/** The most items a list page holds. */
export const MAX_PAGE_SIZE = 100;

/** How many items a page holds at most. */
export const PageLimit = z.int().min(1).meta({ description: 'the most items on the page (default 50)' });

/** A list's `cursor` parameter: `cursor` in `lib/http/operator-queries.ts`. */
export const PageCursor = z.string().min(1).max(2_048).meta({
  description:
    'the `next_cursor` of the previous page, with the same filters; a cursor that is modified, of other filters, or from before a key rotation is refused (400 `invalid-cursor`): start again without one',
});

/** A time a filter takes: ISO 8601 with its zone. */
export const QueryTime = z.iso.datetime({ offset: true });
