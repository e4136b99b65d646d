import type { ScheduledEvent } from 'aws-lambda';
import type { HttpHandler } from './gateway/route.ts';
import type { LambdaHandler } from './lambda/invoke.ts';
import type { QueueHandler } from './queue.ts';

/** A handler behind a schedule rule. */
export type ScheduledHandler = LambdaHandler<ScheduledEvent, unknown>;

/** The handlers the local stack serves. */
export interface LocalFunctions {
  readonly wmsDelivery: HttpHandler;
  readonly storefrontFulfill: HttpHandler;
  readonly tracking: HttpHandler;
  readonly operatorApi: HttpHandler;
  readonly oauthCallback: HttpHandler;
  readonly retrySweeper: ScheduledHandler;
  readonly refreshDispatcher: ScheduledHandler;
  readonly refreshWorker: QueueHandler;
  readonly tokenRenewal: ScheduledHandler;
}

/** A function module could not be imported: its cold start failed (configuration, clients). */
export class FunctionLoadError extends Error {
  readonly module: string;
  constructor(module: string, options: { cause: unknown }) {
    super(
      `${module} cannot be loaded: ${(options.cause as Error)?.message ?? String(options.cause)}`,
      options,
    );
    this.name = 'FunctionLoadError';
    this.module = module;
  }
}

/**
 * Imports the handlers under `functions/`, running their cold start, so the environment must be set
 * before. Each is imported only here, and only when the stack starts.
 */
export async function loadLocalFunctions(): Promise<LocalFunctions> {
  const [
    wmsDelivery,
    storefrontFulfill,
    tracking,
    operatorApi,
    oauthCallback,
    retrySweeper,
    refreshDispatcher,
    refreshWorker,
    tokenRenewal,
  ] = await Promise.all([
    load('functions/wms-delivery/index.ts', () => import('../functions/wms-delivery/index.ts')),
    load('functions/storefront-fulfill/index.ts', () => import('../functions/storefront-fulfill/index.ts')),
    load('functions/tracking/index.ts', () => import('../functions/tracking/index.ts')),
    load('functions/operator-api/index.ts', () => import('../functions/operator-api/index.ts')),
    load('functions/oauth-callback/index.ts', () => import('../functions/oauth-callback/index.ts')),
    load('functions/retry-sweeper/index.ts', () => import('../functions/retry-sweeper/index.ts')),
    load('functions/refresh-dispatcher/index.ts', () => import('../functions/refresh-dispatcher/index.ts')),
    load('functions/refresh-worker/index.ts', () => import('../functions/refresh-worker/index.ts')),
    load('functions/token-renewal/index.ts', () => import('../functions/token-renewal/index.ts')),
  ]);
  return {
    wmsDelivery: wmsDelivery.handler,
    storefrontFulfill: storefrontFulfill.handler,
    tracking: tracking.handler,
    operatorApi: operatorApi.handler,
    oauthCallback: oauthCallback.handler,
    retrySweeper: retrySweeper.handler,
    refreshDispatcher: refreshDispatcher.handler,
    refreshWorker: refreshWorker.handler,
    tokenRenewal: tokenRenewal.handler,
  };
}

async function load<Module>(name: string, importer: () => Promise<Module>): Promise<Module> {
  try {
    return await importer();
  } catch (error) {
    throw new FunctionLoadError(name, { cause: error });
  }
}
