// Scheduled: claims due logistics orders and hands them to the workers through SQS.
import { loadConfig } from '#lib/config/config.ts';
import { dispatcherHandler } from '#lib/handlers/refresh-dispatcher.ts';
import { buildTrackingRuntime } from '#lib/runtime/tracking-runtime.ts';

const runtime = buildTrackingRuntime(loadConfig(process.env, { tracking: ['queue'] }), 'refresh-dispatcher');
const { queue, trackingConfig } = runtime;
if (!queue) throw new Error('REFRESH_QUEUE_URL is required');

export const handler = dispatcherHandler({
  ...runtime,
  queue,
  schedule: trackingConfig.schedule,
  pageSize: trackingConfig.pageSize,
});
