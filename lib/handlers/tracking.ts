import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { errorResponse } from '#lib/http/error-response.ts';
import { logisticsOrderLocation, logisticsOrderView } from '#lib/http/logistics-order-view.ts';
import { jsonResponse } from '#lib/http/problem.ts';
import { countOutcome } from '#lib/observability/telemetry.ts';
import { type RegisterDeps, registerLogisticsOrder } from '#lib/tracking/register.ts';
import { verifyDelivery } from '#lib/webhooks/delivery.ts';
import { describeError } from './log-fields.ts';
import type { HttpHandler } from './webhook.ts';

export interface TrackingHandlerDeps extends RegisterDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** `POST /webhooks/storefront/logistics-orders`: 201 when tracking starts, 200 when it had already. */
export function trackingHandler(deps: TrackingHandlerDeps): HttpHandler {
  const { logger, metrics } = deps;
  return async (event, context) => {
    logger.addContext(context);
    // Until the signature holds, nothing the sender wrote is logged: an outsider could write anything.
    logger.appendKeys({ correlation_id: context.awsRequestId });
    try {
      const delivery = await verifyDelivery(deps.verifier, event);
      logger.appendKeys({ correlation_id: delivery.id });
      const { order, created } = await registerLogisticsOrder(deps, delivery, event);
      countOutcome(metrics, created ? 'tracked' : 'replayed');
      logger.info('logistics order tracked', { logistics_order_id: order.logistics_order_id, created });
      return jsonResponse(created ? 201 : 200, logisticsOrderView(order), {
        location: logisticsOrderLocation(order.logistics_order_id),
      });
    } catch (error) {
      const mapped = errorResponse(error);
      countOutcome(metrics, mapped.outcome);
      logger[mapped.logLevel]('tracking refused', {
        http_status: mapped.response.statusCode,
        error: describeError(error, mapped.logLevel === 'error'),
      });
      return mapped.response;
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
