import type * as z from 'zod/mini';
import type { RetryConfig } from '#lib/config/config.ts';
import type { CredentialsSource } from '#lib/credentials/credentials-source.ts';
import { errorName, type Log } from '#lib/observability/log.ts';
import type { TopApi, TopApiRequestSide } from '#lib/top/apis/api.ts';
import { TopRequestValidationError } from '#lib/top/apis/validation.ts';
import type { TopClient } from '#lib/top/client.ts';
import { TopError, TopRateLimitedError } from '#lib/top/errors.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import { type AttemptChecks, readChecks } from './attempt-checks.ts';
import { budgetSpent, retryDelayMs } from './backoff.ts';
import type { RateLimitBan } from './ban-store.ts';
import { claimFact } from './dedupe.ts';
import type { DedupeStore } from './dedupe-store.ts';
import { isTransientFailure, toInternalError } from './internal-failure.ts';
import type { Operation, OperationError } from './operation.ts';
import { callOperationApi, credentialsFor } from './operation-call.ts';
import { toOperationError } from './operation-error.ts';
import type { OrderGuardStore } from './order-guard-store.ts';
import {
  holdDeliveryOrder,
  type OrderHold,
  orderKeysOf,
  recordDelivered,
  releaseDeliveryOrder,
} from './ordering.ts';
import type { OperationsStore } from './store.ts';

/**
 * The TOP APIs a function's attempts may call, by method name: a webhook's own, or every one
 * (`TOP_APIS`) for the sweeper and replays. A function loads only the schemas of what it calls.
 */
export type TopApis = Readonly<Record<string, TopApiRequestSide<z.ZodMiniType>>>;

export interface AttemptDeps {
  /** The TOP APIs an operation's request may name. */
  readonly apis: TopApis;
  /** The operation records. */
  readonly operations: OperationsStore;
  /** TOP's rate-limit ban, shared by every invocation. */
  readonly ban: RateLimitBan;
  readonly orderGuards: OrderGuardStore;
  readonly dedupe: DedupeStore;
  readonly top: TopClient;
  readonly credentials: CredentialsSource;
  readonly retry: RetryConfig;
  readonly ttlSeconds: number;
  readonly log: Log;
  readonly now?: () => number;
  readonly random?: () => number;
}

type AnyTopApi = TopApi<never, never>;

export interface AttemptOptions {
  /** How long the TOP call may take. */
  readonly deadlineMs: number;
  /** The checks read already, alongside the claim; read here when absent. */
  readonly checks?: Promise<AttemptChecks>;
  /** The delivery order taken already under this attempt's lease, alongside the claim; taken here when absent. */
  readonly order?: OrderHold;
}

// An event waiting for another of its delivery order is looked at again this soon (by the sweeper).
const ORDER_WAIT_MS = 1_000;

/**
 * Makes one attempt of an operation held under our lease: the guards, the TOP call, and the
 * outcome written back (SUCCEEDED, FAILED, PENDING_RETRY, DEAD, STALE or DUPLICATE).
 * Used alike by the webhook handlers, the retry sweeper and replays.
 *
 * An attempt that fails in this system for a reason it would meet again (a bug, a request
 * DynamoDB refuses) ends DEAD with the reason, rather than coming back forever; a passing
 * failure (DynamoDB unreachable) is thrown, and the lease makes the operation due again.
 */
export async function attemptOperation(
  deps: AttemptDeps,
  operation: Operation,
  options: AttemptOptions,
): Promise<Operation> {
  const token = operation.lease_token;
  if (token === undefined) throw new Error(`operation ${operation.operation_id} is not held under a lease`);
  const attempt = new Attempt(deps, operation, token);
  try {
    return await attempt.run(options);
  } catch (error) {
    if (isTransientFailure(error)) throw error;
    return attempt.failedInternally(error);
  }
}

/** One attempt's view of its operation: how it settles, and what it gives back when it does. */
class Attempt {
  readonly #deps: AttemptDeps;
  readonly #operation: Operation;
  readonly #token: string;
  readonly #now: () => number;
  /** The delivery order is held by this attempt and must be given back. */
  #holdsOrder = false;
  /** What TOP answered when it took the call: whatever fails after, the event was delivered. */
  #delivered: Partial<Operation> | undefined;

  constructor(deps: AttemptDeps, operation: Operation, token: string) {
    this.#deps = deps;
    this.#operation = operation;
    this.#token = token;
    this.#now = deps.now ?? Date.now;
  }

  async run(options: AttemptOptions) {
    try {
      return await this.#run(options);
    } finally {
      if (this.#holdsOrder) {
        // Not given back (the store is down): the hold lapses with the lease.
        await releaseDeliveryOrder(this.#deps.orderGuards, this.#operation).catch(() => {});
      }
    }
  }

  async #run(options: AttemptOptions) {
    const { dedupe, operations } = this.#deps;
    const operation = this.#operation;
    // A delivery order taken alongside the claim is this attempt's to give back, whatever happens.
    this.#holdsOrder = options.order !== undefined;
    const { banUntil } = await (options.checks ?? readChecks(this.#deps.ban));
    if (banUntil > this.#now()) {
      if (options.order) this.#holdsOrder = (await options.order) !== undefined;
      const error = { kind: 'rate_limited', message: 'waiting out the TOP rate-limit ban' } as const;
      return this.#retryLater(error, operation.attempts, banUntil);
    }

    const order = await holdDeliveryOrder(this.#deps, operation, options.order);
    this.#holdsOrder = order.verdict !== 'busy' && orderKeysOf(operation).length > 0;
    switch (order.verdict) {
      case 'busy': {
        const error = {
          kind: 'transient',
          message: 'waiting for another event of this delivery order to be delivered',
        } as const;
        return this.#retryLater(error, operation.attempts, 0, ORDER_WAIT_MS);
      }
      case 'stale':
        return this.#settle({ status: 'STALE' });
      case 'duplicate':
        return this.#settle({ status: 'DUPLICATE', duplicate_of: order.duplicateOf });
      case 'delivered':
        return this.#settle({ status: 'SUCCEEDED', reconciled: true, outcome_unknown: undefined });
      case 'send':
        break;
    }

    const dedupeKey = operation.guards.dedupe_key;
    if (dedupeKey) {
      const holder = await claimFact({ dedupe, operations }, dedupeKey, operation);
      if (holder !== operation.operation_id)
        return this.#settle({ status: 'DUPLICATE', duplicate_of: holder });
    }

    const api = this.#deps.apis[operation.request.method] as AnyTopApi | undefined;
    if (!api) {
      return this.giveUp({
        status: 'FAILED',
        last_error: { kind: 'permanent', message: `no TOP API ${operation.request.method}` },
      });
    }
    return this.#call(api, options.deadlineMs);
  }

  async #call(api: AnyTopApi, deadlineMs: number): Promise<Operation> {
    const { credentials: source, log } = this.#deps;
    const operation = this.#operation;
    let credentials: TopCredentials;
    try {
      credentials = await credentialsFor(source, api, operation);
    } catch (error) {
      log.warn('credentials unavailable for an attempt', { error: errorName(error) });
      return this.#retryLater({ kind: 'auth', message: 'TOP credentials unavailable' }, operation.attempts);
    }

    // TOP calls made so far: a refresh after an auth error makes a second one in this attempt.
    const call = { attempts: operation.attempts };
    try {
      const result = await callOperationApi(this.#deps, api, operation, credentials, {
        deadlineMs,
        onCall: () => {
          call.attempts += 1;
        },
      });
      return this.#succeeded({
        attempts: call.attempts,
        top_request_id: result.requestId,
        result: result.response,
        last_error: undefined,
      });
    } catch (error) {
      const attempts = call.attempts;
      if (error instanceof TopRequestValidationError) {
        return this.giveUp({
          status: 'FAILED',
          attempts,
          last_error: { kind: 'permanent', message: error.message },
        });
      }
      if (!(error instanceof TopError)) throw error;
      const failure = toOperationError(error);
      if (error.kind === 'permanent') {
        // The call whose answer was lost did it: TOP now refuses to do it twice.
        if (operation.outcome_unknown && api.alreadyApplied?.(error)) {
          return this.#succeeded({
            attempts,
            top_request_id: error.requestId,
            last_error: failure,
            reconciled: true,
          });
        }
        return this.giveUp({
          status: 'FAILED',
          attempts,
          last_error: failure,
          top_request_id: error.requestId,
        });
      }
      let notBefore = 0;
      if (error instanceof TopRateLimitedError && error.retryAfterMs !== undefined) {
        notBefore = this.#now() + error.retryAfterMs;
        await this.#deps.ban.extend(notBefore);
      }
      const unknown = operation.outcome_unknown || error.mayHaveTakenEffect;
      return this.#retryLater(failure, attempts, notBefore, undefined, {
        outcome_unknown: unknown || undefined,
      });
    }
  }

  /**
   * TOP took the call: the outcome is written and the delivery order's history moves on, together.
   * Whichever of the two is lost, the event still counts: an outcome without the history is read by
   * the next attempt that finds this hold lapsed, a history without the outcome by this
   * operation's retry (`delivered`).
   */
  async #succeeded(changes: Partial<Operation>): Promise<Operation> {
    this.#delivered = changes;
    // Either way the hold is not given back here: moving on gives it back, and a history that
    // could not move on is left held until it lapses, for the next holder to read this outcome.
    this.#holdsOrder = false;
    const moved = recordDelivered(this.#deps.orderGuards, this.#operation).catch((error: unknown) => {
      this.#deps.log.warn('could not advance the ordering guard; its hold is left to lapse', {
        error: errorName(error),
      });
    });
    const [settled] = await Promise.allSettled([
      this.#settle({ status: 'SUCCEEDED', outcome_unknown: undefined, ...changes }),
      moved,
    ]);
    if (settled.status === 'rejected') throw settled.reason;
    return settled.value;
  }

  /**
   * The attempt failed in this system for a reason another attempt would meet again: DEAD with the
   * reason (an operator replays it once the cause is fixed), or SUCCEEDED if TOP had taken the call.
   * Without the result either way: it may be what could not be stored.
   */
  async failedInternally(error: unknown): Promise<Operation> {
    const lastError = toInternalError(error);
    const { operation_id } = this.#operation;
    if (this.#delivered) {
      this.#deps.log.error('outcome recorded without its result', { operation_id, error: lastError.message });
      return this.#settle({
        ...this.#delivered,
        status: 'SUCCEEDED',
        outcome_unknown: undefined,
        result: undefined,
        last_error: lastError,
      });
    }
    this.#deps.log.error('attempt failed in this system; the operation is DEAD', {
      operation_id,
      error: lastError.message,
    });
    return this.giveUp({ status: 'DEAD', last_error: lastError, result: undefined });
  }

  /** DEAD or FAILED: nothing more will be sent, so the fulfilment may be sent by another delivery. */
  async giveUp(changes: Partial<Operation> & { readonly status: 'DEAD' | 'FAILED' }): Promise<Operation> {
    const settled = await this.#settle(changes);
    const dedupeKey = this.#operation.guards.dedupe_key;
    if (dedupeKey) await this.#deps.dedupe.release(dedupeKey, this.#operation.operation_id);
    return settled;
  }

  #retryLater(
    error: OperationError,
    attempts: number,
    notBefore = 0,
    delayMs?: number,
    changes: Partial<Operation> = {},
  ): Promise<Operation> {
    const { retry, random } = this.#deps;
    const now = this.#now();
    if (budgetSpent(attempts, this.#operation.budget_started_at, now, retry)) {
      return this.giveUp({ ...changes, status: 'DEAD', attempts, last_error: error });
    }
    const delay = delayMs ?? retryDelayMs(Math.max(1, attempts), retry, random);
    const next = Math.max(now + delay, notBefore);
    return this.#settle({
      ...changes,
      status: 'PENDING_RETRY',
      attempts,
      next_attempt_at: next,
      last_error: error,
    });
  }

  #settle(changes: Partial<Operation>): Promise<Operation> {
    return this.#deps.operations.settle(
      {
        ...this.#operation,
        lease_token: undefined,
        lease_expires_at: undefined,
        next_attempt_at: undefined,
        ...changes,
        updated_at: this.#now(),
      },
      this.#token,
    );
  }
}
