// Scheduled: claims due logistics orders and hands them to the workers through SQS.
import { loadConfig } from '#lib/config/config.ts';
import { dispatcherHandler } from '#lib/handlers/refresh-dispatcher.ts';
import { buildTrackingRuntime } from '#lib/runtime/tracking-runtime.ts';

const runtime = buildTrackingRuntime(loadConfig(process.env, { tracking: ['queue'] }), 'refresh-dispatcher');
const { trackingConfig } = runtime;

export const handler = dispatcherHandler({
  ...runtime,
  schedule: trackingConfig.schedule,
  pageSize: trackingConfig.pageSize,
});
