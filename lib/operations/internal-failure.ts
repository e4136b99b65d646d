import { StoreUnavailableError } from '#lib/dynamo/errors.ts';
import { LeaseLostError } from './errors.ts';
import type { OperationError } from './operation.ts';

// DynamoDB's own "slow down" answers: client faults, but they pass.
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

/**
 * Whether another attempt may get past this failure: DynamoDB unreachable, slow or throttling, or
 * our lease taken over (the operation is someone else's now). Anything else (DynamoDB refusing the
 * request as such, a bug) would fail the same way every time.
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof LeaseLostError) return true;
  if (!(error instanceof StoreUnavailableError)) return false;
  const cause = error.cause as { $fault?: unknown; name?: unknown } | undefined;
  return cause?.$fault !== 'client' || THROTTLING.has(String(cause.name));
}

/** The failure for the record: the classes of the error and its causes, never their messages (they may quote data). */
export function toInternalError(error: unknown): OperationError {
  const names: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) names.push(current.name);
  return {
    kind: 'internal',
    message: `the attempt failed in this system: ${names.join(' ← ') || typeof error}`,
  };
}
