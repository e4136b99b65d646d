// POST /webhooks/storefront/logistics-orders: start tracking a logistics order.
import { loadConfig } from '#lib/config/config.ts';
import { trackingHandler } from '#lib/handlers/tracking.ts';
import { buildTrackingRuntime } from '#lib/runtime/tracking-runtime.ts';

const runtime = buildTrackingRuntime(
  loadConfig(process.env, { webhookSources: ['storefront'], tracking: [] }),
  'tracking',
);

export const handler = trackingHandler({ ...runtime, verifier: runtime.verifier('storefront') });
