import type { Logger } from '@aws-lambda-powertools/logger';
import type { RetryConfig } from '#lib/config/config.ts';
import { withOneCredentialsRefresh } from '#lib/credentials/refresh-on-auth.ts';
import { callTopApi, type TopApi } from '#lib/top/apis/api.ts';
import { TOP_APIS } from '#lib/top/apis/index.ts';
import { TopRequestValidationError } from '#lib/top/apis/validation.ts';
import type { TopClient, TopCredentials } from '#lib/top/client.ts';
import { TopError, TopRateLimitedError } from '#lib/top/errors.ts';
import { budgetSpent, retryDelayMs } from './backoff.ts';
import type { Operation, OperationError } from './operation.ts';
import type { OperationsStore } from './store.ts';

/** What an attempt needs of the credentials provider. */
export interface CredentialsSource {
  /** The seller's credentials (session included); `undefined` picks the only seller. */
  forSeller(
    sellerId: string | undefined,
  ): Promise<{ readonly sellerId: string; readonly credentials: TopCredentials }>;
  /** The app's keys, without a session. */
  app(): Promise<TopCredentials>;
  /** Refetches the secret; `true` when it changed (a rotated session is worth one more call). */
  refresh(): Promise<boolean>;
}

/** Where an attempt writes what it wants operators to know; never personal data. */
export type AttemptLog = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface AttemptDeps {
  readonly store: OperationsStore;
  readonly top: TopClient;
  readonly credentials: CredentialsSource;
  readonly retry: RetryConfig;
  readonly ttlSeconds: number;
  readonly log: AttemptLog;
  readonly now?: () => number;
  readonly random?: () => number;
}

type AnyTopApi = TopApi<never, never>;

/**
 * Makes one attempt of an operation held under our lease: the guards, the TOP call, and the
 * outcome written back (SUCCEEDED, FAILED, PENDING_RETRY, DEAD, STALE or DUPLICATE).
 * Used alike by the webhook handlers, the retry sweeper and replays.
 */
export async function attemptOperation(
  deps: AttemptDeps,
  operation: Operation,
  options: {
    readonly deadlineMs: number;
    /** The checks read already, alongside the claim; read here when absent. */
    readonly checks?: Promise<AttemptChecks>;
  },
): Promise<Operation> {
  const now = deps.now ?? Date.now;
  const token = operation.lease_token;
  if (token === undefined) throw new Error(`operation ${operation.operation_id} is not held under a lease`);
  const settle = (changes: Partial<Operation>) =>
    deps.store.settle(
      {
        ...operation,
        lease_token: undefined,
        lease_expires_at: undefined,
        next_attempt_at: undefined,
        ...changes,
        updated_at: now(),
      },
      token,
    );
  const retryLater = (error: OperationError, attempts: number, notBefore = 0) => {
    if (budgetSpent(attempts, operation.budget_started_at, now(), deps.retry)) {
      return settle({ status: 'DEAD', attempts, last_error: error });
    }
    const next = Math.max(now() + retryDelayMs(Math.max(1, attempts), deps.retry, deps.random), notBefore);
    return settle({ status: 'PENDING_RETRY', attempts, next_attempt_at: next, last_error: error });
  };

  const { guards } = operation;
  const { banUntil, lastDelivered } = await (options.checks ?? readChecks(deps.store, operation));
  if (banUntil > now()) {
    const error = { kind: 'rate_limited', message: 'waiting out the TOP rate-limit ban' } as const;
    return retryLater(error, operation.attempts, banUntil);
  }
  if (guards.occurred_at !== undefined && lastDelivered > guards.occurred_at)
    return settle({ status: 'STALE' });
  if (guards.dedupe_key) {
    const holder = await deps.store.holdFact(guards.dedupe_key, operation.operation_id, operation.expires_at);
    if (holder !== operation.operation_id) return settle({ status: 'DUPLICATE', duplicate_of: holder });
  }

  const api = TOP_APIS[operation.request.method as keyof typeof TOP_APIS] as AnyTopApi | undefined;
  if (!api) {
    return settle({
      status: 'FAILED',
      last_error: { kind: 'permanent', message: `no TOP API ${operation.request.method}` },
    });
  }

  let credentials: TopCredentials;
  try {
    credentials = await credentialsFor(deps.credentials, api, operation);
  } catch (error) {
    deps.log.warn('credentials unavailable for an attempt', { error: errorName(error) });
    return retryLater({ kind: 'auth', message: 'TOP credentials unavailable' }, operation.attempts);
  }

  // TOP calls made so far: a refresh after an auth error makes a second one in this attempt.
  const call = { attempts: operation.attempts };
  try {
    const result = await withOneCredentialsRefresh(
      deps.credentials,
      credentials,
      () => credentialsFor(deps.credentials, api, operation),
      (with_) => {
        call.attempts += 1;
        return callTopApi(api, deps.top, with_, operation.request.params as never, {
          deadlineMs: options.deadlineMs,
        });
      },
      (error) =>
        deps.log.info('retrying with refreshed TOP credentials', {
          code: error.code,
          sub_code: error.subCode,
        }),
    );
    const attempts = call.attempts;
    const succeeded = await settle({
      status: 'SUCCEEDED',
      attempts,
      top_request_id: result.requestId,
      result: result.response,
      last_error: undefined,
    });
    await afterSuccess(deps, succeeded);
    return succeeded;
  } catch (error) {
    const attempts = call.attempts;
    if (error instanceof TopRequestValidationError) {
      return settle({
        status: 'FAILED',
        attempts,
        last_error: { kind: 'permanent', message: error.message },
      });
    }
    if (!(error instanceof TopError)) throw error;
    const failure = toOperationError(error);
    if (error.kind === 'permanent') {
      const failed = await settle({
        status: 'FAILED',
        attempts,
        last_error: failure,
        top_request_id: error.requestId,
      });
      if (guards.dedupe_key) await deps.store.releaseFact(guards.dedupe_key, operation.operation_id);
      return failed;
    }
    let notBefore = 0;
    if (error instanceof TopRateLimitedError && error.retryAfterMs !== undefined) {
      notBefore = now() + error.retryAfterMs;
      await deps.store.extendBan(notBefore);
    }
    return retryLater(failure, attempts, notBefore);
  }
}

/** What an attempt reads before calling: the shared ban, and the ordering guard's last delivery. */
export interface AttemptChecks {
  readonly banUntil: number;
  readonly lastDelivered: number;
}

/** Reads the checks of an operation at once: each read is a round trip on the way to TOP. */
export async function readChecks(
  store: OperationsStore,
  operation: Pick<Operation, 'guards'>,
): Promise<AttemptChecks> {
  const keys = operation.guards.order_keys ?? [];
  const ordered = keys.length > 0 && operation.guards.occurred_at !== undefined;
  const [banUntil, lastDelivered] = await Promise.all([
    store.banUntil(),
    ordered ? store.lastDelivered(keys) : 0,
  ]);
  return { banUntil, lastDelivered };
}

async function credentialsFor(
  source: CredentialsSource,
  api: AnyTopApi,
  operation: Operation,
): Promise<TopCredentials> {
  if (!api.requiresSession) return source.app();
  return (await source.forSeller(operation.request.seller_id)).credentials;
}

// The ordering guard moves forward only once TOP has the newer status.
async function afterSuccess(deps: AttemptDeps, operation: Operation): Promise<void> {
  const { order_keys: keys, occurred_at: occurredAt } = operation.guards;
  if (!keys?.length || occurredAt === undefined) return;
  try {
    await deps.store.markDelivered(keys, occurredAt, operation.operation_id, operation.expires_at);
  } catch (error) {
    deps.log.warn('could not advance the ordering guard', { error: errorName(error) });
  }
}

/** TOP's failure in our record's terms; `sub_msg` is TOP's text about the sender's own request. */
export function toOperationError(error: TopError): OperationError {
  return {
    kind: error.kind,
    message: error.message,
    code: error.code,
    sub_code: error.subCode,
    sub_msg: error.subMsg,
    top_request_id: error.requestId,
  };
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
