import type { LocalFunctions } from './functions.ts';
import type { Route } from './gateway/route.ts';

/** Where each webhook source posts. */
export const WEBHOOK_PATHS = {
  wms: '/webhooks/wms/delivery-orders',
  storefront: '/webhooks/storefront/fulfillments',
} as const;

/** Where the storefront starts tracking a logistics order. */
export const TRACKING_PATH = '/webhooks/storefront/logistics-orders';
export type WebhookSource = keyof typeof WEBHOOK_PATHS;

// The functions' timeouts in the CDK stack (infra/stack.ts): a lease left by a killed invocation lapses
// as soon after the kill here as there.
const TIMEOUT_MS = { webhook: 15_000, tracking: 10_000, operatorApi: 15_000, oauthCallback: 15_000 } as const;

/** Where the platform sends a seller's browser back after consent. */
export const OAUTH_CALLBACK_PATH = '/oauth/callback';

/** The operator API's routes, as `infra/constructs/http-api.ts` declares them (IAM-authorized there). */
export const OPERATOR_ROUTES = [
  ['GET', '/operations'],
  ['GET', '/operations/{id}'],
  ['POST', '/operations/{id}/replay'],
  ['POST', '/operations/replay'],
  ['GET', '/logistics-orders'],
  ['GET', '/logistics-orders/{id}'],
  ['DELETE', '/logistics-orders/{id}'],
  ['GET', '/status'],
  ['GET', '/sellers'],
  ['GET', '/sellers/{seller_id}'],
  ['GET', '/sellers/{seller_id}/authorize'],
] as const;

/** The HTTP API of the stack, as the CDK app declares it; the operator API answers this machine only. */
export function localRoutes(
  functions: Omit<LocalFunctions, 'retrySweeper' | 'refreshDispatcher' | 'refreshWorker' | 'tokenRenewal'>,
): Route[] {
  const operator = (method: 'GET' | 'POST' | 'DELETE', path: string): Route => ({
    name: 'operator-api',
    method,
    path,
    handler: functions.operatorApi,
    loopbackOnly: true,
    timeoutMs: TIMEOUT_MS.operatorApi,
  });
  return [
    {
      name: 'wms-delivery',
      method: 'POST',
      path: WEBHOOK_PATHS.wms,
      handler: functions.wmsDelivery,
      timeoutMs: TIMEOUT_MS.webhook,
    },
    {
      name: 'storefront-fulfill',
      method: 'POST',
      path: WEBHOOK_PATHS.storefront,
      handler: functions.storefrontFulfill,
      timeoutMs: TIMEOUT_MS.webhook,
    },
    {
      name: 'tracking',
      method: 'POST',
      path: TRACKING_PATH,
      handler: functions.tracking,
      timeoutMs: TIMEOUT_MS.tracking,
    },
    ...OPERATOR_ROUTES.map(([method, path]) => operator(method, path)),
    // Public: the seller's browser lands here; the function checks the single-use state itself.
    {
      name: 'oauth-callback',
      method: 'GET',
      path: OAUTH_CALLBACK_PATH,
      handler: functions.oauthCallback,
      timeoutMs: TIMEOUT_MS.oauthCallback,
    },
  ];
}
