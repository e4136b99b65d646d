import type { LocalSettings } from './settings.ts';

/** The table the operations store uses locally. */
export const OPERATIONS_TABLE_NAME = 'operations';
/** The table of tracked logistics orders. */
export const LOGISTICS_ORDERS_TABLE_NAME = 'logistics-orders';
/** The table of sellers who authorized the app, and of authorization states. */
export const SELLERS_TABLE_NAME = 'sellers';
/** Where the local Secrets Manager keeps sellers' tokens. */
export const SELLER_TOKENS_PREFIX = 'local/seller-tokens/';
/** The refresh queue's name and the status events' bus. */
export const REFRESH_QUEUE_NAME = 'refresh';
export const STATUS_EVENT_BUS_NAME = 'local';

export interface StackEndpoints {
  readonly dynamoEndpoint: string;
  readonly topGatewayUrl: string;
  /** Absent when `aliexpress.*` APIs go over the TOP gateway (AE_PROTOCOL=top). */
  readonly aeGatewayUrl: string | undefined;
  /** The local SQS, EventBridge and Secrets Manager endpoint. */
  readonly awsServicesUrl: string;
  readonly refreshQueueUrl: string;
  /** Where sellers' browsers reach the stack: the OAuth callback is under it. */
  readonly publicUrl: string;
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
    LOGISTICS_ORDERS_TABLE: LOGISTICS_ORDERS_TABLE_NAME,
    REFRESH_QUEUE_URL: endpoints.refreshQueueUrl,
    STATUS_EVENT_BUS_NAME,
    EVENTBRIDGE_ENDPOINT: endpoints.awsServicesUrl,
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    SELLERS_TABLE: SELLERS_TABLE_NAME,
    SELLER_TOKENS_PREFIX,
    SECRETS_MANAGER_ENDPOINT: endpoints.awsServicesUrl,
    PUBLIC_URL: endpoints.publicUrl,
    TOP_GATEWAY_URL: endpoints.topGatewayUrl,
    AE_PROTOCOL: settings.aeProtocol,
    ...(endpoints.aeGatewayUrl && { AE_GATEWAY_URL: endpoints.aeGatewayUrl }),
    ...(settings.aeApp && { AE_APP_KEY: settings.aeApp.key, AE_APP_SECRET: settings.aeApp.secret }),
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
    // A cap on the refresh's calls to TOP, when the user sets one (unpaced otherwise).
    ...(env.REFRESH_CALLS_PER_SECOND && { REFRESH_CALLS_PER_SECOND: env.REFRESH_CALLS_PER_SECOND }),
    // CloudWatch would read the metric lines; on one machine they only bury the log. Opt in to see them.
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED || 'true',
  };
}
