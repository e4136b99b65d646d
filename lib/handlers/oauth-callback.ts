import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ProblemError } from '#lib/errors/problem-error.ts';
import { errorResponse } from '#lib/http/error-response.ts';
import { htmlPage } from '#lib/http/html-page.ts';
import { type CallbackDeps, completeAuthorization } from '#lib/sellers/complete-authorization.ts';
import { describeError } from './log-fields.ts';
import type { HttpHandler } from './webhook.ts';

export interface OauthCallbackHandlerDeps extends Omit<CallbackDeps, 'log'> {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * `GET /oauth/callback`, where the platform sends the seller's browser back: completes the
 * authorization and answers a short page saying which seller is connected, or what went wrong.
 * The query holds a code and a state: neither is ever logged.
 */
export function oauthCallbackHandler(deps: OauthCallbackHandlerDeps): HttpHandler {
  const { logger, metrics } = deps;
  return async (event, context) => {
    logger.addContext(context);
    const query = event.queryStringParameters ?? {};
    try {
      const connected = await completeAuthorization(
        { ...deps, log: logger },
        { code: query.code, state: query.state },
      );
      metrics.addMetric('SellersAuthorized', MetricUnit.Count, 1);
      return htmlPage(200, 'Seller connected', [
        `Seller ${connected.sellerId} is now connected (platform seller id ${connected.platformSellerId}).`,
        'You can close this page.',
      ]);
    } catch (error) {
      const mapped = errorResponse(error);
      logger[mapped.logLevel]('authorization refused', {
        http_status: mapped.response.statusCode,
        error: describeError(error, mapped.logLevel === 'error'),
      });
      return failurePage(error, mapped.response);
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

/** The same status the problem mapping gives the error, as a page a person reads. */
function failurePage(
  error: unknown,
  problem: APIGatewayProxyStructuredResultV2,
): APIGatewayProxyStructuredResultV2 {
  const status = problem.statusCode ?? 500;
  if (status < 500 && error instanceof ProblemError) {
    return htmlPage(status, 'The seller was not connected', [error.detail]);
  }
  const page = htmlPage(status, 'The seller was not connected', [
    status === 503
      ? 'The platform or this service could not be reached just now. Please open the authorization link again in a minute.'
      : 'Something went wrong on our side. Please ask for a new authorization link.',
  ]);
  return {
    ...page,
    headers: {
      ...page.headers,
      ...(problem.headers?.['retry-after'] && { 'retry-after': problem.headers['retry-after'] }),
    },
  };
}
