import { OperationNotFoundError, OperationNotReplayableError } from './errors.ts';
import { type AttemptDeps, attemptOperation } from './execute.ts';
import { leaseFor, topDeadlineFor } from './lease.ts';
import type { Operation } from './operation.ts';

/** An operator's replay: a DEAD or FAILED operation gets a fresh retry budget and is attempted now. */
export async function replayOperation(
  deps: AttemptDeps & { readonly topDeadlineMs: number },
  operationId: string,
  remainingMs: () => number,
): Promise<Operation> {
  const now = deps.now ?? Date.now;
  const held = await deps.operations.acquire(operationId, 'replay', leaseFor(now(), remainingMs()));
  if (!held) {
    const current = await deps.operations.get(operationId);
    if (!current) throw new OperationNotFoundError(operationId);
    throw new OperationNotReplayableError(operationId, current.status);
  }
  return attemptOperation(deps, held, { deadlineMs: topDeadlineFor(deps.topDeadlineMs, remainingMs()) });
}
