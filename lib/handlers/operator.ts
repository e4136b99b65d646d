import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { type CursorScope, CursorSigner } from '#lib/http/cursor.ts';
import { errorResponse } from '#lib/http/error-response.ts';
import { InvalidCursorError } from '#lib/http/errors.ts';
import { listedOrderView, logisticsOrderView } from '#lib/http/logistics-order-view.ts';
import { iso, listedOperationView, operationResponse, operationView } from '#lib/http/operation-response.ts';
import {
  BulkReplayBody,
  ListLogisticsOrdersQuery,
  ListOperationsQuery,
  parseBody,
  parseQuery,
} from '#lib/http/operator-queries.ts';
import { jsonResponse, problemResponse } from '#lib/http/problem.ts';
import { sellerView } from '#lib/http/seller-view.ts';
import {
  countOutcome,
  countTopAuthErrors,
  endedOnAuthError,
  outcomeOf,
} from '#lib/observability/telemetry.ts';
import { replayOperations } from '#lib/operations/bulk-replay.ts';
import { OperationNotFoundError } from '#lib/operations/errors.ts';
import type { AttemptDeps } from '#lib/operations/execute.ts';
import { isOperationId } from '#lib/operations/identity.ts';
import type { ListPosition, MergedPosition } from '#lib/operations/list-index.ts';
import { OPERATION_STATUSES, type OperationStatus } from '#lib/operations/operation.ts';
import { replayOperation } from '#lib/operations/replay.ts';
import type { SellerParts } from '#lib/runtime/runtime.ts';
import { authorizationLink, checkSellerId } from '#lib/sellers/authorize.ts';
import { AuthorizationNotConfiguredError, SellerNotFoundError } from '#lib/sellers/errors.ts';
import { LogisticsOrderNotTrackedError, TrackingNotConfiguredError } from '#lib/tracking/errors.ts';
import type { OrderListQuery } from '#lib/tracking/order-lists.ts';
import type { TrackingStore } from '#lib/tracking/store.ts';
import { describeError, operationLogFields } from './log-fields.ts';
import type { HttpHandler } from './webhook.ts';

export interface OperatorHandlerDeps extends AttemptDeps {
  readonly topDeadlineMs: number;
  /** Tracked logistics orders, for the `/logistics-orders` routes and `/status`. */
  readonly tracking?: TrackingStore | undefined;
  /** Replays a bulk replay attempts at once (`SWEEP_CONCURRENCY`); default 4. */
  readonly replayConcurrency?: number | undefined;
  /** Signs the lists' page cursors; default: keyed from the TOP app secret (see {@link CursorSigner}). */
  readonly cursors?: CursorSigner | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Sellers who authorized the app, for `/sellers` routes. */
  readonly sellers?: SellerParts | undefined;
  /** This deployment's public address, and the AliExpress Open Platform's: authorization links. */
  readonly publicUrl?: string | undefined;
  readonly aeGatewayUrl?: string | undefined;
  readonly now: () => number;
}

/**
 * The operator API: `GET /operations` lists the operations of one status and `GET /operations/{id}`
 * shows one; `POST /operations/{id}/replay` gives a DEAD or FAILED one a fresh budget and attempts
 * it at once, `POST /operations/replay` does so for many; `GET /logistics-orders` lists tracked
 * orders, `GET /logistics-orders/{id}` shows one and `DELETE /logistics-orders/{id}` stops tracking
 * it; `GET /status` counts what waits; `GET /sellers`, `GET /sellers/{seller_id}` show the sellers
 * who authorized the app, and `GET /sellers/{seller_id}/authorize` redirects to the platform's
 * consent page. No answer carries an order's snapshot (personal data) or a credential.
 */
export function operatorHandler(deps: OperatorHandlerDeps): HttpHandler {
  const { logger, metrics } = deps;
  const cursors = deps.cursors ?? new CursorSigner(async () => (await deps.credentials.app()).appSecret);
  return async (event, context) => {
    logger.addContext(context);
    // The id of the route's resource: an operation, or a logistics order.
    const operationId = event.pathParameters?.id ?? '';
    // Only an id that can name an operation goes into the log line.
    if (event.routeKey.includes('/operations/') && isOperationId(operationId))
      logger.appendKeys({ operation_id: operationId });
    try {
      if (event.routeKey === 'GET /operations/{id}') {
        const operation = await deps.operations.get(operationId);
        if (!operation) throw new OperationNotFoundError(operationId);
        return jsonResponse(200, operationView(operation));
      }
      if (event.routeKey === 'GET /operations') return await listOperations(deps, cursors, event);
      if (event.routeKey === 'POST /operations/replay') {
        const request = parseBody(event, BulkReplayBody);
        const report = await replayOperations(
          { ...deps, concurrency: deps.replayConcurrency ?? DEFAULT_REPLAY_CONCURRENCY },
          request,
          () => context.getRemainingTimeInMillis(),
        );
        for (const [status, count] of Object.entries(report.outcomes)) {
          countOutcome(metrics, outcomeOf(status as OperationStatus), count);
        }
        countTopAuthErrors(metrics, report.authErrors);
        logger.info('operations replayed', {
          replayed: report.replayed,
          skipped: report.skipped,
          remaining: report.remaining,
          failed: report.failed,
          outcomes: report.outcomes,
        });
        return jsonResponse(200, {
          replayed: report.replayed,
          skipped: report.skipped,
          operation_ids: report.operation_ids,
          outcomes: report.outcomes,
          remaining: report.remaining,
        });
      }
      if (event.routeKey === 'GET /logistics-orders')
        return await listOrders(trackingOf(deps), cursors, event);
      if (event.routeKey === 'GET /logistics-orders/{id}') {
        const order = await trackingOf(deps).get(operationId);
        if (!order) throw new LogisticsOrderNotTrackedError();
        return jsonResponse(200, logisticsOrderView(order));
      }
      if (event.routeKey === 'DELETE /logistics-orders/{id}') {
        if (!(await trackingOf(deps).remove(operationId))) throw new LogisticsOrderNotTrackedError();
        logger.info('logistics order untracked', { logistics_order_id: operationId });
        return { statusCode: 204, body: '' };
      }
      if (event.routeKey === 'GET /status') return jsonResponse(200, await systemStatus(deps));
      if (event.routeKey === 'POST /operations/{id}/replay') {
        const operation = await replayOperation(deps, operationId, () => context.getRemainingTimeInMillis());
        logger.info('operation replayed', operationLogFields(operation));
        countOutcome(metrics, outcomeOf(operation.status));
        if (endedOnAuthError(operation)) countTopAuthErrors(metrics);
        return operationResponse(operation);
      }
      if (event.routeKey.startsWith('GET /sellers')) return await sellersRoute(deps, event);
      return problemResponse({ type: 'about:blank', title: 'Not Found', status: 404 });
    } catch (error) {
      const mapped = errorResponse(error);
      logger[mapped.logLevel]('operator request refused', {
        http_status: mapped.response.statusCode,
        error: describeError(error, mapped.logLevel === 'error'),
      });
      return mapped.response;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

const DEFAULT_REPLAY_CONCURRENCY = 4;

const trackingOf = (deps: OperatorHandlerDeps): TrackingStore => {
  if (!deps.tracking) throw new TrackingNotConfiguredError();
  return deps.tracking;
};

/** `GET /operations`: a page of one status's operations, newest first. */
async function listOperations(
  deps: OperatorHandlerDeps,
  cursors: CursorSigner,
  event: Parameters<HttpHandler>[0],
) {
  const { status, flow, since, until, limit, cursor } = parseQuery(event, ListOperationsQuery);
  const scope: CursorScope = { list: 'operations', filters: { status, flow, since, until } };
  const after = cursor === undefined ? undefined : positionOf(await cursors.decode(scope, cursor), 'op#');
  const page = await deps.operations.list({ status, flow, since, until }, limit, after);
  return jsonResponse(200, {
    items: page.items.map(listedOperationView),
    next_cursor: page.next ? await cursors.encode(scope, page.next) : null,
  });
}

/** `GET /logistics-orders`: a page of tracked orders, newest first, without their snapshots. */
async function listOrders(tracking: TrackingStore, cursors: CursorSigner, event: Parameters<HttpHandler>[0]) {
  const { status, parked, stopped, limit, cursor } = parseQuery(event, ListLogisticsOrdersQuery);
  const query: OrderListQuery = { status, parked, stopped };
  const scope: CursorScope = { list: 'logistics-orders', filters: { status, parked, stopped } };
  const after =
    cursor === undefined
      ? undefined
      : mergedPositionOf(await cursors.decode(scope, cursor), tracking.lists.listShards(query));
  const page = await tracking.lists.list(query, limit, after);
  return jsonResponse(200, {
    items: page.items.map(listedOrderView),
    next_cursor: page.next ? await cursors.encode(scope, page.next) : null,
  });
}

/** A signed cursor's positions across the query's partitions, checked for their shape all the same. */
function mergedPositionOf(value: unknown, shards: readonly string[]): MergedPosition {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidCursorError('malformed');
  const positions: Record<string, ListPosition | null> = {};
  for (const [shard, position] of Object.entries(value)) {
    if (!shards.includes(shard)) throw new InvalidCursorError('malformed');
    positions[shard] = position === null ? null : positionOf(position, 'lo#');
  }
  return positions;
}

/** A signed cursor's position, checked for its shape all the same. */
function positionOf(value: unknown, prefix: string): ListPosition {
  const { at, pk } = (value ?? {}) as { at?: unknown; pk?: unknown };
  if (typeof at !== 'number' || !Number.isFinite(at) || typeof pk !== 'string' || !pk.startsWith(prefix)) {
    throw new InvalidCursorError('malformed');
  }
  return { at, pk };
}

// Pages of 1 MB of index entries one count reads at most (tens of thousands of entries): a count
// that reaches it is a lower bound, named in `capped`.
const COUNT_MAX_PAGES = 20;

/** `GET /status`: TOP's ban, how many operations are in each status, what is parked and stopped. */
async function systemStatus(deps: OperatorHandlerDeps) {
  const tracking = trackingOf(deps);
  const [banUntil, operations, parkedSellers, parkedOrders, stoppedOrders] = await Promise.all([
    deps.ban.until(),
    Promise.all(OPERATION_STATUSES.map((status) => deps.operations.count(status, COUNT_MAX_PAGES))),
    tracking.lists.countParkedSellers(COUNT_MAX_PAGES),
    tracking.lists.countParkedOrders(COUNT_MAX_PAGES),
    tracking.lists.countStoppedOrders(COUNT_MAX_PAGES),
  ]);
  const counts = {
    ...Object.fromEntries(OPERATION_STATUSES.map((status, i) => [`operations.${status}`, operations[i]])),
    'parked.sellers': parkedSellers,
    'parked.orders': parkedOrders,
    'stopped.orders': stoppedOrders,
  };
  return {
    ban: { until: banUntil > deps.now() ? (iso(banUntil) ?? null) : null },
    operations: Object.fromEntries(
      OPERATION_STATUSES.map((status, i) => [status, operations[i]?.count ?? 0]),
    ),
    parked: { sellers: parkedSellers.count, orders: parkedOrders.count },
    stopped: { orders: stoppedOrders.count },
    capped: Object.entries(counts).flatMap(([name, count]) => (count?.complete === false ? [name] : [])),
  };
}

/** The `/sellers` routes. */
async function sellersRoute(deps: OperatorHandlerDeps, event: Parameters<HttpHandler>[0]) {
  const { registry, states } = deps.sellers ?? {};
  if (!registry || !states) throw new AuthorizationNotConfiguredError('SELLERS_TABLE is not set');
  const now = deps.now();
  if (event.routeKey === 'GET /sellers') {
    const records = await registry.list();
    return jsonResponse(200, { items: records.map((record) => sellerView(record, now, deps.publicUrl)) });
  }
  const sellerId = checkSellerId(event.pathParameters?.seller_id);
  if (event.routeKey === 'GET /sellers/{seller_id}') {
    const record = await registry.get(sellerId);
    if (!record?.authorization) throw new SellerNotFoundError(sellerId);
    return jsonResponse(200, sellerView(record, now, deps.publicUrl));
  }
  if (event.routeKey === 'GET /sellers/{seller_id}/authorize') {
    const location = await authorizationLink(
      {
        states,
        aeGatewayUrl: deps.aeGatewayUrl,
        publicUrl: deps.publicUrl,
        appKey: async () => (await deps.credentials.app('aliexpress')).appKey,
      },
      sellerId,
    );
    deps.logger.info('authorization link handed out', { seller_id: sellerId });
    // The link holds a single-use state: no cache may keep it.
    return { statusCode: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
  }
  return problemResponse({ type: 'about:blank', title: 'Not Found', status: 404 });
}
