// SQS: refreshes each dispatched logistics order through aliexpress.local.logistics.order.info.query.
import { loadConfig } from '#lib/config/config.ts';
import { refreshWorkerHandler } from '#lib/handlers/refresh-worker.ts';
import { eventBridgeStatusPort } from '#lib/runtime/eventbridge-status-port.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { buildTrackingRuntime } from '#lib/runtime/tracking-runtime.ts';
import { CallPacer } from '#lib/tracking/pacer.ts';

const runtime = buildTrackingRuntime(
  loadConfig(process.env, { tracking: ['events'] }),
  'refresh-worker',
  {},
  { sellers: buildSellerParts, events: eventBridgeStatusPort },
);
const { trackingConfig } = runtime;

export const handler = refreshWorkerHandler({
  ...runtime,
  schedule: trackingConfig.schedule,
  concurrency: trackingConfig.concurrency,
  pacer: trackingConfig.callsPerSecond > 0 ? new CallPacer(trackingConfig.callsPerSecond) : undefined,
});
