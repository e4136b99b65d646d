// Operator API (IAM-authorized in AWS): GET /operations, GET /operations/{id},
// POST /operations/{id}/replay, POST /operations/replay, GET /logistics-orders,
// GET /logistics-orders/{id}, DELETE /logistics-orders/{id}, GET /status, GET /sellers,
// GET /sellers/{seller_id}, GET /sellers/{seller_id}/authorize.
import { loadConfig } from '#lib/config/config.ts';
import { operatorHandler } from '#lib/handlers/operator.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { buildTrackingRuntime } from '#lib/runtime/tracking-runtime.ts';
import { TOP_APIS } from '#lib/top/apis/index.ts';

const runtime = buildTrackingRuntime(
  loadConfig(process.env, { tracking: [] }),
  'operator-api',
  {},
  { sellers: buildSellerParts },
);

export const handler = operatorHandler({
  ...runtime,
  // A replay may be of any flow's operation.
  apis: TOP_APIS,
  publicUrl: runtime.config.sellers.publicUrl,
  aeGatewayUrl: runtime.config.aeGatewayUrl,
  replayConcurrency: runtime.config.sweep.concurrency,
});
