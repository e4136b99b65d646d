import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { errorResponse } from '#lib/http/error-response.ts';
import { logisticsOrderView } from '#lib/http/logistics-order-view.ts';
import { operationResponse, operationView } from '#lib/http/operation-response.ts';
import { jsonResponse, problemResponse, problemType } from '#lib/http/problem.ts';
import { sellerView } from '#lib/http/seller-view.ts';
import {
  countOutcome,
  countTopAuthErrors,
  endedOnAuthError,
  outcomeOf,
} from '#lib/observability/telemetry.ts';
import { OperationNotFoundError } from '#lib/operations/errors.ts';
import type { AttemptDeps } from '#lib/operations/execute.ts';
import { isOperationId } from '#lib/operations/identity.ts';
import { replayOperation } from '#lib/operations/replay.ts';
import type { SellerParts } from '#lib/runtime/runtime.ts';
import { authorizationLink, checkSellerId } from '#lib/sellers/authorize.ts';
import { AuthorizationNotConfiguredError, SellerNotFoundError } from '#lib/sellers/errors.ts';
import type { TrackingStore } from '#lib/tracking/store.ts';
import { describeError, operationLogFields } from './log-fields.ts';
import type { HttpHandler } from './webhook.ts';

export interface OperatorHandlerDeps extends AttemptDeps {
  readonly topDeadlineMs: number;
  /** Tracked logistics orders, for `GET /logistics-orders/{id}`. */
  readonly tracking?: TrackingStore | undefined;
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
 * The operator API: `GET /operations/{id}` shows an operation; `POST /operations/{id}/replay`
 * gives a DEAD or FAILED one a fresh budget and attempts it at once; `GET /logistics-orders/{id}`
 * shows a tracked order; `GET /sellers`, `GET /sellers/{seller_id}` show the sellers who authorized
 * the app, and `GET /sellers/{seller_id}/authorize` redirects to the platform's consent page.
 */
export function operatorHandler(deps: OperatorHandlerDeps): HttpHandler {
  const { logger, metrics } = deps;
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
      if (event.routeKey === 'GET /logistics-orders/{id}') {
        const order = await deps.tracking?.get(operationId);
        if (!order) {
          return problemResponse({
            type: problemType('logistics-order-not-tracked'),
            title: 'Not tracked',
            status: 404,
            detail: 'no logistics order is tracked under this id',
          });
        }
        return jsonResponse(200, logisticsOrderView(order));
      }
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
