// What the benchmark's parts share: processes of the local stack and the simulator, load at a fixed
// concurrency, and signed webhook deliveries.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { signWebhook } from '#lib/webhooks/sign.ts';
import type { SimStats } from '#local/top-sim/server.ts';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';

/** Runs `fn` for about `ms` and returns operations per second. */
export function opsPerSecond(fn: () => unknown, ms = 1_000): number {
  for (let i = 0; i < 1_000; i++) fn();
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
  }
  return ops / ((performance.now() - start) / 1_000);
}

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export const median = (values: number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Runs `script` as its own process and resolves with the URL of its `listening on` line. */
export async function startProcess(
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const match = /listening on (\S+)/.exec(line);
    if (match?.[1]) {
      // Keep reading, so a chatty process never blocks on a full pipe.
      lines.on('line', () => {});
      return { url: match[1], child };
    }
  }
  throw new Error(`${script} exited before listening`);
}

export async function stopProcess(child: ChildProcess) {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export interface LoadFigures {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** Runs `task(i)` `total` times with `concurrency` in flight; throughput and latency percentiles. */
export async function measure(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const start = performance.now();
      await task(i);
      latencies.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1_000;
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** `npm start` on a free port and its own data folder, with the simulator process as TOP. */
export const stackEnv = (simUrl: string, dataDir: string): Record<string, string> => ({
  PORT: '0',
  DATA_DIR: dataDir,
  TOP_GATEWAY_URL: simUrl,
  AE_GATEWAY_URL: new URL(simUrl).origin,
  TOP_APP_KEY: SIM_DEFAULTS.appKey,
  TOP_APP_SECRET: SIM_DEFAULTS.appSecret,
  TOP_SESSION: `shop-1=${SIM_DEFAULTS.session}`,
});

let deliveries = 0;

/**
 * A signed delivery of `body` to `path` (a new `webhook-id` unless `id` is given); its status, and
 * anything but 2xx stops the benchmark.
 */
export async function postSigned(
  url: string,
  path: string,
  secret: string,
  body: unknown,
  id = `msg_bench_${process.pid}_${++deliveries}`,
): Promise<number> {
  const raw = JSON.stringify(body);
  const headers = signWebhook({
    id,
    timestamp: Math.floor(Date.now() / 1000),
    body: raw,
    secret,
  });
  const origin = new URL(url).origin;
  const response = await poolFor(origin).request({
    origin,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode > 299) {
    throw new Error(`${path} answered ${response.statusCode}: ${text}`);
  }
  return response.statusCode;
}

// The load's own cost stays small beside what it measures: fetch spends about eight times the CPU
// of an undici pool per request, on the same two cores as the stack.
const pools = new Map<string, Pool>();
const poolFor = (origin: string): Pool => {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 64 });
    pools.set(origin, pool);
  }
  return pool;
};

/** Closes the pools `postSigned` opened. */
export async function closeLoadPools(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.close());
  pools.clear();
  await Promise.all(closing);
}

/** The simulator's counters (`/_sim/stats`). */
export const simStats = async (simUrl: string) =>
  (await (await fetch(new URL('/_sim/stats', simUrl))).json()) as SimStats;
