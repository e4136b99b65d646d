import { errorName } from '#lib/observability/log.ts';
import { type AttemptDeps, attemptOperation } from './execute.ts';
import { topDeadlineFor } from './lease.ts';
import type { Operation, OperationStatus } from './operation.ts';

/** What a run of attempts (a sweep, a bulk replay) came to. */
export interface AttemptCounts {
  readonly outcomes: Partial<Record<OperationStatus, number>>;
  /** Attempts that failed before their outcome could be written; they stay due for the sweeper. */
  readonly failed: number;
  /** Attempts that ended on the platform refusing the credentials. */
  readonly authErrors: number;
}

/**
 * Makes the attempts of one run, each on an operation held under our lease, and counts how they
 * ended. A passing failure (DynamoDB unreachable) is logged and counted: the lease makes the
 * operation due again, and the run goes on.
 */
export class AttemptTally {
  readonly #deps: AttemptDeps & { readonly topDeadlineMs: number };
  readonly #outcomes: Partial<Record<OperationStatus, number>> = {};
  #failed = 0;
  #authErrors = 0;

  constructor(deps: AttemptDeps & { readonly topDeadlineMs: number }) {
    this.#deps = deps;
  }

  /** The settled operation, or `undefined` after a passing failure. */
  async attempt(held: Operation, remainingMs: () => number): Promise<Operation | undefined> {
    let settled: Operation;
    try {
      settled = await attemptOperation(this.#deps, held, {
        deadlineMs: topDeadlineFor(this.#deps.topDeadlineMs, remainingMs()),
      });
    } catch (error) {
      this.#failed++;
      this.#deps.log.warn('attempt failed; the operation stays due', {
        operation_id: held.operation_id,
        error: errorName(error),
      });
      return undefined;
    }
    this.#outcomes[settled.status] = (this.#outcomes[settled.status] ?? 0) + 1;
    if (settled.status !== 'SUCCEEDED' && settled.last_error?.kind === 'auth') this.#authErrors++;
    return settled;
  }

  counts(): AttemptCounts {
    return { outcomes: { ...this.#outcomes }, failed: this.#failed, authErrors: this.#authErrors };
  }
}
