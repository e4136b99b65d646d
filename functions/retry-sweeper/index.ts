// Scheduled: retries due operations (PENDING_RETRY, lapsed leases) from the outbox.
import { loadConfig } from '#lib/config/config.ts';
import { sweeperHandler } from '#lib/handlers/sweeper.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { TOP_APIS } from '#lib/top/apis/index.ts';

const runtime = buildRuntime(loadConfig(process.env), 'retry-sweeper', {}, { sellers: buildSellerParts });

const { batchSize, concurrency, topDeadlineMs } = runtime.config.sweep;
// The sweeper's calls have their own, longer deadline: no sender waits on them.
// A due operation may be of any flow.
export const handler = sweeperHandler({ ...runtime, apis: TOP_APIS, batchSize, concurrency, topDeadlineMs });
