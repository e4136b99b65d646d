import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type AcceptDeps, acceptWebhook } from '#lib/flows/accept.ts';
import type { WebhookFlow } from '#lib/flows/flow.ts';
import { errorResponse } from '#lib/http/error-response.ts';
import { operationResponse } from '#lib/http/operation-response.ts';
import {
  countOutcome,
  countTopAuthErrors,
  endedOnAuthError,
  type Outcome,
  outcomeOf,
} from '#lib/observability/telemetry.ts';
import { verifyDelivery } from '#lib/webhooks/delivery.ts';
import { describeError, operationIdOf, operationLogFields } from './log-fields.ts';

/** What a webhook handler is built from; the TOP API it calls is its flow's. */
export interface WebhookHandlerDeps extends Omit<AcceptDeps, 'apis'> {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The Lambda handler of a webhook flow: accept, then map the operation (or the error) to HTTP. */
export function webhookHandler(flow: WebhookFlow, handlerDeps: WebhookHandlerDeps): HttpHandler {
  const deps = { ...handlerDeps, apis: { [flow.api.method]: flow.api } };
  const { logger, metrics } = deps;
  return async (event, context) => {
    logger.addContext(context);
    // Until the signature holds, nothing the sender wrote is logged: an outsider could write anything.
    logger.appendKeys({ correlation_id: context.awsRequestId, flow: flow.flow });
    let outcome: Outcome = 'error';
    try {
      const delivery = await verifyDelivery(deps.verifier, event);
      // The sender's delivery id ties our log lines to its own; it is not a secret and not personal.
      logger.appendKeys({ correlation_id: delivery.id });
      const { operation, replayed } = await acceptWebhook(flow, deps, delivery, event, () =>
        context.getRemainingTimeInMillis(),
      );
      outcome = replayed ? 'replayed' : outcomeOf(operation.status);
      if (!replayed && endedOnAuthError(operation)) countTopAuthErrors(metrics);
      const response = operationResponse(operation, { replayed });
      logger.info('webhook handled', {
        outcome,
        http_status: response.statusCode,
        ...operationLogFields(operation),
      });
      return response;
    } catch (error) {
      const mapped = errorResponse(error);
      outcome = mapped.outcome;
      logger[mapped.logLevel]('webhook refused', {
        outcome,
        http_status: mapped.response.statusCode,
        ...operationIdOf(error),
        error: describeError(error, mapped.logLevel === 'error'),
      });
      return mapped.response;
    } finally {
      countOutcome(metrics, outcome);
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
