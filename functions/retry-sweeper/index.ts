// Scheduled: retries due operations (PENDING_RETRY, lapsed leases) from the outbox.
import { loadConfig } from '#lib/config/config.ts';
import { sweeperHandler } from '#lib/handlers/sweeper.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';

const runtime = buildRuntime(loadConfig(process.env), 'retry-sweeper');

export const handler = sweeperHandler({ ...runtime, ...runtime.config.sweep });
