import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Operation } from '#lib/operations/operation.ts';
import type { ListedOperation } from '#lib/operations/store.ts';
import { jsonResponse, problemResponse, problemType } from './problem.ts';

/** Where an operation can be looked up: the operator API's path. */
const operationLocation = (operationId: string): string => `/operations/${encodeURIComponent(operationId)}`;

/** An epoch-ms time as ISO 8601 in an answer; absent stays absent. */
export const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/**
 * The answer to a sender, derived from the record alone, so a replay answers exactly as the
 * first delivery did: 200 done (delivered, stale or duplicate), 202 kept for retry, 422 rejected by TOP.
 */
export function operationResponse(
  operation: Operation,
  options: { readonly replayed?: boolean } = {},
): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = options.replayed ? { 'idempotent-replayed': 'true' } : {};
  const { operation_id } = operation;
  switch (operation.status) {
    case 'SUCCEEDED':
      return jsonResponse(
        200,
        {
          operation_id,
          status: operation.status,
          attempts: operation.attempts,
          top_request_id: operation.top_request_id,
          top_result: operation.result,
          // TOP's answer to the call that did it was lost; a later call was refused as done already.
          ...(operation.reconciled && { reconciled: true }),
        },
        headers,
      );
    case 'STALE':
      return jsonResponse(
        200,
        {
          operation_id,
          status: operation.status,
          detail: 'a newer event for this delivery order was already delivered; this one was not sent',
        },
        headers,
      );
    case 'DUPLICATE':
      return jsonResponse(
        200,
        {
          operation_id,
          status: operation.status,
          duplicate_of: operation.duplicate_of,
          detail: 'this fulfilment is carried by another operation; it was not sent again',
        },
        headers,
      );
    case 'FAILED': {
      const error = operation.last_error;
      return problemResponse(
        {
          type: problemType('top-rejected'),
          title: 'TOP rejected the request',
          status: 422,
          detail: error?.sub_msg ?? error?.message,
          operation_id,
          top: {
            code: error?.code,
            sub_code: error?.sub_code,
            sub_msg: error?.sub_msg,
            request_id: error?.top_request_id ?? operation.top_request_id,
          },
        },
        headers,
      );
    }
    default:
      return jsonResponse(
        202,
        {
          operation_id,
          status: operation.status,
          attempts: operation.attempts,
          next_attempt_at: iso(operation.next_attempt_at),
          last_error: operation.last_error && {
            kind: operation.last_error.kind,
            code: operation.last_error.code,
            sub_code: operation.last_error.sub_code,
            sub_msg: operation.last_error.sub_msg,
          },
        },
        { ...headers, location: operationLocation(operation_id) },
      );
  }
}

/** The operator's view of an operation (`GET /operations/{id}`). */
export function operationView(operation: Operation) {
  return {
    operation_id: operation.operation_id,
    flow: operation.flow,
    status: operation.status,
    attempts: operation.attempts,
    webhook_id: operation.webhook_id,
    created_at: iso(operation.created_at),
    updated_at: iso(operation.updated_at),
    next_attempt_at: iso(operation.next_attempt_at),
    lease_expires_at: iso(operation.lease_expires_at),
    top_request_id: operation.top_request_id,
    top_result: operation.result,
    last_error: operation.last_error,
    duplicate_of: operation.duplicate_of,
    outcome_unknown: operation.outcome_unknown,
    reconciled: operation.reconciled,
    request: operation.request,
  };
}

/** An operation in the operator's list (`GET /operations`): no request, no result. */
export function listedOperationView(operation: ListedOperation) {
  return {
    operation_id: operation.operation_id,
    flow: operation.flow,
    status: operation.status,
    attempts: operation.attempts,
    created_at: iso(operation.created_at),
    updated_at: iso(operation.updated_at),
    last_error: operation.last_error ?? null,
  };
}
