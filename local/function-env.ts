import type { LocalSettings } from './settings.ts';

/** The table the operations store uses locally. */
export const OPERATIONS_TABLE_NAME = 'operations';

export interface StackEndpoints {
  readonly dynamoEndpoint: string;
  readonly topGatewayUrl: string;
}

/**
 * The variables the functions read at cold start, as their Lambda configuration holds them in AWS.
 * AWS credentials are dummies for dynalite, unless the environment already has some.
 */
export function functionEnvironment(
  settings: LocalSettings,
  endpoints: StackEndpoints,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return {
    OPERATIONS_TABLE: OPERATIONS_TABLE_NAME,
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    TOP_GATEWAY_URL: endpoints.topGatewayUrl,
    TOP_APP_KEY: settings.topAppKey,
    TOP_APP_SECRET: settings.topAppSecret,
    TOP_SESSION: settings.topSession,
    TOP_SIGN_METHOD: settings.topSignMethod,
    WMS_WEBHOOK_SECRET: settings.webhookSecrets.wms,
    STOREFRONT_WEBHOOK_SECRET: settings.webhookSecrets.storefront,
    RETRY_BASE_SECONDS: String(settings.retryBaseSeconds),
    REFRESH_INTERVAL_SECONDS: String(settings.refreshIntervalSeconds),
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID || 'local',
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY || 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // CloudWatch would read the metric lines; on one machine they only bury the log. Opt in to see them.
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED || 'true',
  };
}
