// Operator API: GET /operations/{id}, POST /operations/{id}/replay (IAM-authorized in AWS).
import { loadConfig } from '#lib/config/config.ts';
import { operatorHandler } from '#lib/handlers/operator.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';

const runtime = buildRuntime(loadConfig(process.env), 'operations');

export const handler = operatorHandler(runtime);
