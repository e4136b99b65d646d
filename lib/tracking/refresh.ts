import type { RefreshSchedule } from '#lib/config/tracking.ts';
import type { CredentialsSource } from '#lib/credentials/credentials-source.ts';
import { UnknownSellerError } from '#lib/credentials/errors.ts';
import { withOneCredentialsRefresh } from '#lib/credentials/refresh-on-auth.ts';
import type { Log } from '#lib/observability/log.ts';
import type { ContainerBanClock } from '#lib/operations/ban-clock.ts';
import {
  type FindOrderResponse,
  queryLogisticsOrder,
  queryLogisticsOrderApi,
} from '#lib/top/apis/query-logistics-order.ts';
import type { TopClient } from '#lib/top/client.ts';
import { TopAuthError, TopBusinessError, TopError, TopRateLimitedError } from '#lib/top/errors.ts';
import type { TopCredentials } from '#lib/top/signed-fields.ts';
import { sessionFingerprint } from './fingerprint.ts';
import { isTerminal, type RefreshError, type TrackedOrder } from './order.ts';
import type { CallPacer } from './pacer.ts';
import type { LogisticsOrderStatusChanged, RefreshMessage, StatusEventPublisher } from './ports.ts';
import { nextRefreshDelayMs } from './schedule.ts';
import type { TrackingStore } from './store.ts';

export interface RefreshDeps {
  readonly tracking: TrackingStore;
  readonly top: TopClient;
  readonly credentials: CredentialsSource;
  readonly events: StatusEventPublisher;
  readonly schedule: RefreshSchedule;
  readonly log: Log;
  readonly now?: () => number;
}

/**
 * Queries in a row that TOP answers without the order (`is_success=false`: it does not know it)
 * before the order is no longer refreshed. A bound, not at once: an order just created on the
 * storefront may reach the platform's logistics a little later.
 */
export const MAX_NOT_FOUND_REFRESHES = 5;

/**
 * What one refresh did: `changed` / `unchanged` / `finished` after a successful query; `failed`
 * (retried later), `banned` (waits out TOP's ban), `parked` (the seller's session is refused);
 * `skipped` when the message is stale or the order is gone.
 */
export type RefreshOutcome =
  | 'changed'
  | 'unchanged'
  | 'finished'
  | 'failed'
  | 'banned'
  | 'parked'
  | 'skipped';

/**
 * Refreshes one dispatched order: queries TOP, keeps the full snapshot, records and publishes a
 * status change, and schedules the next refresh. Nothing here drops an order: every failure
 * schedules it again (or parks it until its seller's secret changes).
 */
export async function refreshOrder(
  deps: RefreshDeps,
  message: RefreshMessage,
  options: {
    readonly deadlineMs: number;
    readonly ban: ContainerBanClock;
    readonly pacer?: CallPacer | undefined;
    /**
     * The orders of the message's batch, read at once (one BatchGetItem per 100) before their turns
     * at TOP: what changed meanwhile is caught by the save, which only the holder of the current
     * dispatch can make. An order not among them is read here.
     */
    readonly orders?: ReadonlyMap<string, TrackedOrder | undefined> | undefined;
  },
): Promise<RefreshOutcome> {
  const now = deps.now ?? Date.now;
  const order = options.orders?.has(message.logistics_order_id)
    ? options.orders.get(message.logistics_order_id)
    : await deps.tracking.get(message.logistics_order_id);
  if (!order || order.dispatch_token !== message.token) return 'skipped';
  const save = async (next: TrackedOrder, outcome: RefreshOutcome): Promise<RefreshOutcome> =>
    (await deps.tracking.save(next, message.token)) ? outcome : 'skipped';
  // A failed refresh comes back after the usual wait, or when TOP's ban ends.
  const failedAt = (error: Omit<RefreshError, 'at'>, retryAt?: number): TrackedOrder => ({
    ...order,
    last_error: { ...error, at: now() },
    next_refresh_at: retryAt ?? now() + nextRefreshDelayMs(order.unchanged_refreshes, deps.schedule),
  });

  let credentials: TopCredentials;
  try {
    credentials = (await deps.credentials.forSeller(order.seller_id, queryLogisticsOrderApi.platform))
      .credentials;
  } catch (error) {
    deps.log.warn('no TOP credentials for a tracked order', { error: (error as Error).name });
    return error instanceof UnknownSellerError
      ? park(deps, order, message.token, {
          reason: 'the seller has no session in the TOP credentials secret',
        })
      : save(failedAt({ kind: 'credentials', message: 'TOP credentials unavailable' }), 'failed');
  }

  // Read before the order's turn at the pacer: a read of the shared ban (one a second) must not
  // hold back calls whose turn has come, which would then leave together, closer than paced.
  const banUntil = await options.ban.until();
  if (banUntil > now()) return save({ ...order, next_refresh_at: banUntil }, 'banned');
  await options.pacer?.take();
  // And after it, without waiting: a ban another order of this container met meanwhile counts too.
  const metUntil = options.ban.known();
  if (metUntil > now()) return save({ ...order, next_refresh_at: metUntil }, 'banned');

  let response: FindOrderResponse;
  try {
    const current = async () =>
      (await deps.credentials.forSeller(order.seller_id, queryLogisticsOrderApi.platform)).credentials;
    const query = async (sellerCredentials: TopCredentials) =>
      (
        await queryLogisticsOrder(
          deps.top,
          sellerCredentials,
          { logistics_order_id: order.logistics_order_id },
          { deadlineMs: options.deadlineMs },
        )
      ).response;
    response = await withOneCredentialsRefresh(
      () => deps.credentials.refresh(order.seller_id),
      credentials,
      current,
      query,
    );
  } catch (error) {
    if (!(error instanceof TopError)) throw error;
    const fields = { kind: error.kind, message: error.message, code: error.code, sub_code: error.subCode };
    if (error instanceof TopRateLimitedError) {
      const until = now() + (error.retryAfterMs ?? deps.schedule.intervalMs);
      await options.ban.extend(until);
      return save(failedAt(fields, until), 'banned');
    }
    if (error instanceof TopBusinessError) {
      // The call went through and TOP answered that it has no such order.
      const misses = (order.not_found_refreshes ?? 0) + 1;
      if (misses < MAX_NOT_FOUND_REFRESHES) {
        return save({ ...failedAt(fields), not_found_refreshes: misses }, 'failed');
      }
      return stop(deps, order, message.token, misses, fields);
    }
    if (error instanceof TopAuthError) {
      const current = await deps.credentials
        .forSeller(order.seller_id, queryLogisticsOrderApi.platform)
        .catch(() => undefined);
      return park(deps, order, message.token, {
        reason: 'TOP refused the seller session',
        code: error.code,
        sub_code: error.subCode,
        fingerprint: sessionFingerprint(current?.credentials.session),
      });
    }
    return save(failedAt(fields), 'failed');
  }

  const detail = response.data;
  const at = now();
  const status = detail?.status ?? order.status;
  const changed = status !== undefined && status !== order.status;
  const history = changed ? [...order.history, { status, at }] : order.history;
  if (changed) {
    const event: LogisticsOrderStatusChanged = {
      logistics_order_id: order.logistics_order_id,
      seller_id: order.seller_id,
      from: order.status,
      to: status,
      at: new Date(at).toISOString(),
    };
    // Before the save: an event that could not be published is retried with the order.
    await deps.events.publish([event]);
  }
  const refreshed = {
    ...order,
    status,
    snapshot: detail,
    history,
    last_refreshed_at: at,
    last_error: undefined,
    not_found_refreshes: undefined,
    unchanged_refreshes: changed ? 0 : order.unchanged_refreshes + 1,
  };
  if (isTerminal(status)) {
    const finished = {
      ...refreshed,
      next_refresh_at: undefined,
      finished_at: at,
      expires_at: Math.floor((at + deps.schedule.retentionMs) / 1000),
    };
    return save(finished, 'finished');
  }
  const next = at + nextRefreshDelayMs(refreshed.unchanged_refreshes, deps.schedule);
  return save({ ...refreshed, next_refresh_at: next }, changed ? 'changed' : 'unchanged');
}

/**
 * Stops refreshing an order TOP keeps saying it does not know: out of the due index for good, with
 * the reason in `stopped` and `last_error`; kept for the snapshot retention, like a finished order,
 * for an operator to see (or untrack) it. Its outcome counts as a failed refresh.
 */
async function stop(
  deps: RefreshDeps,
  order: TrackedOrder,
  token: string,
  misses: number,
  error: Omit<RefreshError, 'at'>,
): Promise<RefreshOutcome> {
  const at = (deps.now ?? Date.now)();
  const stopped: TrackedOrder = {
    ...order,
    not_found_refreshes: misses,
    last_error: { ...error, at },
    next_refresh_at: undefined,
    stopped: {
      reason: `TOP does not know this logistics order: ${misses} queries in a row answered without it`,
      code: error.code,
      sub_code: error.sub_code,
      at,
    },
    expires_at: Math.floor((at + deps.schedule.retentionMs) / 1000),
  };
  if (!(await deps.tracking.save(stopped, token))) return 'skipped';
  deps.log.warn('tracked order stopped: TOP does not know it', {
    logistics_order_id: order.logistics_order_id,
    sub_code: error.sub_code,
    queries: misses,
  });
  return 'failed';
}

/** Stops refreshing the order until the seller's secret holds another session. */
async function park(
  deps: RefreshDeps,
  order: TrackedOrder,
  token: string,
  why: {
    reason: string;
    code?: number | string | undefined;
    sub_code?: string | undefined;
    fingerprint?: string;
  },
): Promise<RefreshOutcome> {
  const now = (deps.now ?? Date.now)();
  const fingerprint = why.fingerprint ?? 'none';
  const parked: TrackedOrder = {
    ...order,
    next_refresh_at: undefined,
    parked: {
      reason: why.reason,
      code: why.code,
      sub_code: why.sub_code,
      session_fingerprint: fingerprint,
      at: now,
    },
    last_error: { kind: 'auth', message: why.reason, code: why.code, sub_code: why.sub_code, at: now },
  };
  if (!(await deps.tracking.save(parked, token))) return 'skipped';
  await deps.tracking.markSellerParked(order.seller_id, fingerprint);
  deps.log.warn('tracked order parked', { logistics_order_id: order.logistics_order_id, code: why.code });
  return 'parked';
}
