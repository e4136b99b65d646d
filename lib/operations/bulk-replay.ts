import { type AttemptCounts, AttemptTally } from './attempt-tally.ts';
import type { AttemptDeps } from './execute.ts';
import { leaseFor } from './lease.ts';
import type { Flow } from './operation.ts';

export interface BulkReplayDeps extends AttemptDeps {
  readonly topDeadlineMs: number;
  /** Replays attempted at once. */
  readonly concurrency: number;
}

/** Which operations a bulk replay takes: one replayable status, optionally one flow and a creation window. */
export interface BulkReplayRequest {
  readonly status: 'DEAD' | 'FAILED';
  readonly flow?: Flow | undefined;
  /** Creation time, epoch ms: from `since` (inclusive) to `until` (exclusive). */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  /** Operations listed (and so taken) at most. */
  readonly limit: number;
}

export interface BulkReplayReport extends AttemptCounts {
  /** Operations taken and attempted, with their ids. */
  readonly replayed: number;
  readonly operation_ids: readonly string[];
  /** Operations listed that another replay (or a write since the list) took first. */
  readonly skipped: number;
  /** Operations listed but not taken: the invocation ran short of time. Replay again for them. */
  readonly remaining: number;
}

// Time kept back at the end of the invocation, besides one TOP call: no replay is started without it.
const STOP_RESERVE_MS = 3_000;

/**
 * Replays the operations of one status, oldest first, each as `POST /operations/{id}/replay` does:
 * a fresh retry budget and one attempt now. Each is taken only as it was listed (that status, not
 * written since), by one conditional write: two bulk replays at once, or a bulk and a single replay,
 * never attempt an operation twice; the one that lost counts it `skipped`. Safe to repeat: what was
 * replayed has left the status (unless it ended there again). Stops taking operations when the
 * invocation's remaining time gets short, and says how many it left.
 */
export async function replayOperations(
  deps: BulkReplayDeps,
  request: BulkReplayRequest,
  remainingMs: () => number,
): Promise<BulkReplayReport> {
  const now = deps.now ?? Date.now;
  const { items } = await deps.operations.list(
    { status: request.status, flow: request.flow, since: request.since, until: request.until },
    request.limit,
    undefined,
    'oldest',
  );
  const operationIds: string[] = [];
  const tally = new AttemptTally(deps);
  let skipped = 0;
  const hasTime = () => remainingMs() > STOP_RESERVE_MS + deps.topDeadlineMs;
  const queue = [...items];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (!hasTime()) {
        queue.unshift(next);
        return;
      }
      const held = await deps.operations.acquire(
        next.operation_id,
        'replay',
        leaseFor(now(), remainingMs()),
        {
          status: request.status,
          updatedAt: next.updated_at,
        },
      );
      if (!held) {
        skipped++;
        continue;
      }
      operationIds.push(held.operation_id);
      await tally.attempt(held, remainingMs);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.concurrency, items.length)) }, worker));
  return {
    replayed: operationIds.length,
    operation_ids: operationIds,
    skipped,
    remaining: queue.length,
    ...tally.counts(),
  };
}
