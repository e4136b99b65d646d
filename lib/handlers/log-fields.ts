import type { Operation } from '#lib/operations/operation.ts';

/** What a log line may say of an operation: ids, status and TOP's codes; never the request. */
export function operationLogFields(operation: Operation): Record<string, unknown> {
  return {
    operation_id: operation.operation_id,
    status: operation.status,
    attempts: operation.attempts,
    top_request_id: operation.top_request_id,
    ...(operation.last_error && {
      error_kind: operation.last_error.kind,
      error_code: operation.last_error.code,
      error_sub_code: operation.last_error.sub_code,
    }),
  };
}

/**
 * An error for a log line: its class and its chain of causes' classes. Messages are kept only for
 * our own unexpected failures (`withMessage`): others may quote what a sender or TOP wrote.
 */
export function describeError(error: unknown, withMessage = false): Record<string, unknown> {
  const causes: string[] = [];
  for (let cause = (error as Error | undefined)?.cause; cause instanceof Error; cause = cause.cause) {
    causes.push(cause.name);
  }
  if (!(error instanceof Error)) return { name: typeof error };
  return {
    name: error.name,
    ...(causes.length > 0 && { causes }),
    ...(withMessage && { message: error.message, stack: error.stack }),
  };
}

/** The operation an error names (a reused key, a delivery in flight), for the log line. */
export function operationIdOf(error: unknown): { operation_id?: string } {
  const id = (error as { operationId?: unknown } | undefined)?.operationId;
  return typeof id === 'string' ? { operation_id: id } : {};
}
