// Operator API (IAM-authorized in AWS): GET /operations/{id}, POST /operations/{id}/replay,
// GET /logistics-orders/{id}.
import { loadConfig } from '#lib/config/config.ts';
import { operatorHandler } from '#lib/handlers/operator.ts';
import { buildTrackingRuntime } from '#lib/runtime/tracking-runtime.ts';

const runtime = buildTrackingRuntime(loadConfig(process.env, { tracking: [] }), 'operator-api');

export const handler = operatorHandler(runtime);
