// POST /webhooks/storefront/fulfillments → aliexpress.solution.order.fulfill
import { loadConfig } from '#lib/config/config.ts';
import { storefrontFulfillFlow } from '#lib/flows/storefront-fulfill.ts';
import { webhookHandler } from '#lib/handlers/webhook.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';

const runtime = buildRuntime(
  loadConfig(process.env, { webhookSources: ['storefront'] }),
  'storefront-fulfill',
  {},
  { sellers: buildSellerParts },
);

export const handler = webhookHandler(storefrontFulfillFlow, {
  ...runtime,
  verifier: runtime.verifier('storefront'),
});
