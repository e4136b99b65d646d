// Scheduled: claims due logistics orders and hands them to the workers through SQS.
import { loadConfig } from '#lib/config/config.ts';
import { dispatcherHandler } from '#lib/handlers/refresh-dispatcher.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { sqsRefreshQueuePort } from '#lib/runtime/sqs-refresh-queue-port.ts';
import { buildTrackingRuntime } from '#lib/runtime/tracking-runtime.ts';

const runtime = buildTrackingRuntime(
  loadConfig(process.env, { tracking: ['queue'] }),
  'refresh-dispatcher',
  {},
  { sellers: buildSellerParts, queue: sqsRefreshQueuePort },
);
const { trackingConfig } = runtime;

export const handler = dispatcherHandler({
  ...runtime,
  schedule: trackingConfig.schedule,
  pageSize: trackingConfig.pageSize,
});
