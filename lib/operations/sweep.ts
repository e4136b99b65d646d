import { type AttemptCounts, AttemptTally } from './attempt-tally.ts';
import type { AttemptDeps } from './execute.ts';
import { leaseFor } from './lease.ts';

export interface SweepDeps extends AttemptDeps {
  readonly topDeadlineMs: number;
  /** Due operations read per page of the index. */
  readonly batchSize: number;
  /** Attempts made at once. */
  readonly concurrency: number;
}

export interface SweepReport extends AttemptCounts {
  /** The shared rate-limit ban was on: nothing was attempted. */
  readonly banned: boolean;
  readonly attempted: number;
  /** Due operations another invocation took first. */
  readonly skipped: number;
}

// Time kept back at the end of the invocation: an attempt is not started without it.
const STOP_RESERVE_MS = 3_000;
// An index page that yields nothing takeable ends the sweep: the index is eventually consistent.
const MAX_PAGES = 20;

/**
 * One run of the retry sweeper: takes due operations (retries and lapsed leases) from the sparse
 * index and attempts each once, until none is due, the invocation runs short, or TOP bans us.
 */
export async function sweepDueOperations(deps: SweepDeps, remainingMs: () => number): Promise<SweepReport> {
  const now = deps.now ?? Date.now;
  const tally = new AttemptTally(deps);
  let attempted = 0;
  let skipped = 0;
  if ((await deps.ban.until()) > now()) return { banned: true, attempted, skipped, ...tally.counts() };

  let rateLimited = false;
  const hasTime = () => remainingMs() > STOP_RESERVE_MS + deps.topDeadlineMs && !rateLimited;
  for (let page = 0; page < MAX_PAGES && hasTime(); page++) {
    const due = await deps.operations.due(deps.batchSize);
    if (due.length === 0) break;
    let takenThisPage = 0;
    const queue = [...due];
    const worker = async () => {
      for (let next = queue.shift(); next && hasTime(); next = queue.shift()) {
        const held = await deps.operations.acquire(next.operationId, 'due', leaseFor(now(), remainingMs()));
        if (!held) {
          skipped++;
          continue;
        }
        takenThisPage++;
        attempted++;
        const settled = await tally.attempt(held, remainingMs);
        if (!settled) continue;
        if (settled.status === 'DEAD') {
          // The id an operator replays, once the cause is fixed (README "Deploy").
          deps.log.warn('operation is DEAD', {
            operation_id: settled.operation_id,
            attempts: settled.attempts,
            error_kind: settled.last_error?.kind,
            error_code: settled.last_error?.code,
            error_sub_code: settled.last_error?.sub_code,
          });
        }
        if (settled.last_error?.kind === 'rate_limited' && settled.status === 'PENDING_RETRY')
          rateLimited = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency, due.length) }, worker));
    if (takenThisPage === 0) break;
  }
  return { banned: false, attempted, skipped, ...tally.counts() };
}
