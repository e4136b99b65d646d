import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { closeGatewayPools } from '#lib/top/transport.ts';
import { consoleRoute } from '#local/console/route.ts';
import { type LocalFunctions, loadLocalFunctions } from '#local/functions.ts';
import { startLocalGateway } from '#local/gateway/server.ts';
import { localRoutes, TRACKING_PATH, WEBHOOK_PATHS } from '#local/routes.ts';
import { type LocalSettings, readLocalSettings, signingSecret } from '#local/settings.ts';
import { type LocalStack, startStack } from '#local/stack.ts';
import type { TopSimulator } from '#local/top-sim/server.ts';

export interface ConsoleStack {
  /** Serves the console at `/` beside the stack's own routes, with the stack's functions behind them. */
  readonly url: string;
  readonly stack: LocalStack;
  readonly simulator: TopSimulator;
  readonly functions: LocalFunctions;
  /** Signs and posts a webhook delivery, as `npm run send` does. */
  deliver(
    target: 'wms' | 'storefront' | 'tracking',
    payload: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * The whole local stack (dynalite, the TOP simulator, the functions under `functions/`), as `npm start`
 * composes it, plus a second gateway on the same functions that also serves the console: the page and
 * the real operator API share its origin, as they will on the stack's own gateway once the route is wired.
 * `env` is set for the functions' cold start (e.g. `RETRY_MAX_ATTEMPTS`) and put back on close.
 */
export async function startConsoleStack(
  options: { env?: Record<string, string> } = {},
): Promise<ConsoleStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'console-stack-'));
  // The functions read process.env at cold start: the stack writes their variables there.
  const saved = { ...process.env };
  Object.assign(process.env, options.env);
  const restore = () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  };
  const settings: LocalSettings = readLocalSettings({
    PORT: '0',
    TOP_SIM_PORT: '0',
    DATA_DIR: dataDir,
    // No scheduled run during a test: the console's actions alone move operations.
    SCHEDULE_INTERVAL_SECONDS: '3600',
  });
  let functions: LocalFunctions | undefined;
  let stack: LocalStack | undefined;
  try {
    stack = await startStack(settings, {
      env: process.env,
      log: () => {},
      loadFunctions: async () => {
        functions = await loadLocalFunctions();
        return functions;
      },
    });
    if (!functions || !stack.simulator)
      throw new Error('the stack started without its functions or simulator');
    const loaded = functions;
    const gateway = await startLocalGateway({ routes: [...localRoutes(loaded), consoleRoute], port: 0 });
    const running = stack;
    return {
      url: gateway.url,
      stack: running,
      simulator: stack.simulator,
      functions: loaded,
      deliver: (target, payload) => deliver(gateway.url, settings, target, payload),
      close: async () => {
        try {
          await gateway.close();
          await running.close();
          await closeGatewayPools();
        } finally {
          restore();
          await rm(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await stack?.close().catch(() => {});
    restore();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

let deliveries = 0;

async function deliver(
  base: string,
  settings: LocalSettings,
  target: 'wms' | 'storefront' | 'tracking',
  payload: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const source = target === 'wms' ? 'wms' : 'storefront';
  const path = target === 'tracking' ? TRACKING_PATH : WEBHOOK_PATHS[target];
  const body = JSON.stringify(payload);
  const id = `msg_console${Date.now()}${++deliveries}`;
  const sentAt = new Date();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(signingSecret(settings.webhookSecrets[source])).sign(id, sentAt, body),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
