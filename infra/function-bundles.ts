import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from './build-app.ts';

/**
 * What a bundle's cold start reads, to load it outside AWS (the bundle test, the benchmark). Nothing
 * is called while a module loads, so the values only have to be well-formed.
 */
export const BUNDLE_LOAD_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'load-only',
  AWS_SECRET_ACCESS_KEY: 'load-only',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  OPERATIONS_TABLE: 'operations',
  LOGISTICS_ORDERS_TABLE: 'logistics-orders',
  TOP_GATEWAY_URL: 'https://eco.taobao.com/router/rest',
  AE_GATEWAY_URL: 'https://api-sg.aliexpress.com',
  AE_PROTOCOL: 'iop',
  TOP_CREDENTIALS_SECRET_ID: 'top-credentials',
  WMS_WEBHOOK_SECRET_ID: 'wms',
  STOREFRONT_WEBHOOK_SECRET_ID: 'storefront',
  REFRESH_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/refresh',
  STATUS_EVENT_BUS_NAME: 'status',
  SELLERS_TABLE: 'sellers',
  SELLER_TOKENS_PREFIX: 'top-webhooks/dev/seller-tokens/',
  PUBLIC_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
};

/** One function's bundle, as `cdk synth` stages it for upload. */
export interface FunctionBundle {
  /** The service name the function logs and publishes metrics under. */
  readonly service: string;
  readonly dir: string;
  /** The bundle Lambda loads: `<dir>/index.mjs`. */
  readonly file: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
}

/**
 * Synthesizes the app with bundling on into `outdir` (esbuild, locally) and returns each function's
 * staged bundle: what a deploy would upload, for the bundle test and the benchmark.
 */
export async function synthesizeBundles(
  outdir: string,
  context: Record<string, unknown> = {},
): Promise<FunctionBundle[]> {
  const app = new App({ outdir, context });
  const stack = buildApp(app);
  app.synth();
  return Promise.all(
    Object.entries(stack.functions).map(([service, fn]) => stagedBundle(outdir, stack, service, fn)),
  );
}

/** Where `cdk synth` into `outdir` staged `fn`'s bundle, and its sizes. */
export async function stagedBundle(
  outdir: string,
  stack: Stack,
  service: string,
  fn: IFunction,
): Promise<FunctionBundle> {
  const dir = join(outdir, `asset.${assetHash(stack, fn.node.defaultChild as CfnFunction)}`);
  const file = join(dir, 'index.mjs');
  const [bundle, map] = await Promise.all([stat(file), stat(`${file}.map`)]);
  return { service, dir, file, bytes: bundle.size, sourceMapBytes: map.size };
}

// The function's code is the asset `<hash>.zip`; synth staged it as the folder `asset.<hash>`.
function assetHash(stack: Stack, fn: CfnFunction): string {
  const code = stack.resolve(fn.code) as { s3Key?: unknown };
  const key = typeof code.s3Key === 'string' ? code.s3Key : undefined;
  if (!key?.endsWith('.zip')) {
    throw new Error(`${(fn as CfnElement).node.path} has no bundled asset (is bundling skipped?)`);
  }
  return key.slice(0, -'.zip'.length);
}
