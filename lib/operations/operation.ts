import type { TopErrorKind } from '#lib/top/errors.ts';

/** The flows that create operations; each names the TOP API it drives. */
export const FLOWS = ['wms-delivery', 'storefront-fulfill'] as const;
export type Flow = (typeof FLOWS)[number];

/**
 * - IN_PROGRESS: held under a lease by one invocation; a lapsed lease makes it due again.
 * - SUCCEEDED / FAILED: TOP accepted / rejected it for good.
 * - PENDING_RETRY: waiting in the outbox for the sweeper; DEAD: retry budget spent, replayable.
 * - STALE: not sent, a newer event for the same delivery order was delivered first.
 * - DUPLICATE: not sent, the same fulfilment is carried by another operation.
 */
export const OPERATION_STATUSES = [
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'PENDING_RETRY',
  'DEAD',
  'STALE',
  'DUPLICATE',
] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** The outbox: everything needed to make the TOP call again, without the credentials. */
export interface OutboxRequest {
  readonly method: string;
  /** Whose session signs the call; absent for APIs that need none. */
  readonly seller_id?: string | undefined;
  /** The validated business request, as the API module takes it. */
  readonly params: Record<string, unknown>;
}

/** Checks made right before each call. */
export interface OperationGuards {
  /**
   * Ordering: the delivery-order keys this event reports on (one event of them in flight at a
   * time), when it happened (epoch ms) and the status it reports.
   */
  readonly order_keys?: readonly string[] | undefined;
  readonly occurred_at?: number | undefined;
  readonly order_status?: string | undefined;
  /** Business dedupe: one key per (seller, out_ref, logistics_no, send_type). */
  readonly dedupe_key?: string | undefined;
}

/** How the platform classed a failure, or `internal` for one of this system. */
export const OPERATION_ERROR_KINDS = [
  'transient',
  'rate_limited',
  'auth',
  'permanent',
  'internal',
] as const satisfies readonly (TopErrorKind | 'internal')[];
export type OperationErrorKind = (typeof OPERATION_ERROR_KINDS)[number];

/**
 * What the last attempt learnt, in TOP's own terms; `internal` when it failed in this system for a
 * reason another attempt would meet again (it is then DEAD, for an operator to look at).
 */
export interface OperationError {
  readonly kind: OperationErrorKind;
  readonly message: string;
  readonly code?: number | string | undefined;
  readonly sub_code?: string | undefined;
  readonly sub_msg?: string | undefined;
  /**
   * The platform's id of the call (`TopError.requestId` in code). It is `top_request_id` wherever it
   * sits beside fields of ours, in records and answers; only the 422's `top` object, which repeats
   * the platform's error as the platform names it, says `request_id`.
   */
  readonly top_request_id?: string | undefined;
}

export interface Operation {
  readonly operation_id: string;
  readonly flow: Flow;
  readonly webhook_id: string;
  /** SHA-256 of the canonical body: the same key with another body is refused. */
  readonly payload_hash: string;
  readonly status: OperationStatus;
  /** TOP calls made for this operation since it was created or last replayed. */
  readonly attempts: number;
  readonly created_at: number;
  readonly updated_at: number;
  /** Start of the current retry budget: creation, or the last replay. */
  readonly budget_started_at: number;
  readonly next_attempt_at?: number | undefined;
  readonly lease_token?: string | undefined;
  readonly lease_expires_at?: number | undefined;
  readonly request: OutboxRequest;
  readonly guards: OperationGuards;
  readonly top_request_id?: string | undefined;
  readonly result?: unknown;
  readonly last_error?: OperationError | undefined;
  readonly duplicate_of?: string | undefined;
  /** A call may have reached TOP without its answer reaching us: a later "already done" is success. */
  readonly outcome_unknown?: boolean | undefined;
  /** SUCCEEDED without TOP's result: TOP said a call whose answer was lost had done it. */
  readonly reconciled?: boolean | undefined;
  /** TTL, epoch seconds: after it the record is gone and the key may be used again. */
  readonly expires_at: number;
}
