// `npm run bench`: figures, not tests. The TOP client's CPU cost (sign, encode, parse), its round
// trips to the simulator, and webhooks through the local stack beside the same TOP calls made
// directly. The simulator and the stack run as their own processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { queryLogisticsOrderApi } from '#lib/top/apis/query-logistics-order.ts';
import { sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import { TopClient } from '#lib/top/client.ts';
import { encodeParams } from '#lib/top/params.ts';
import { readTopResponse } from '#lib/top/response.ts';
import { sign } from '#lib/top/sign.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import { logisticsOrderDetail } from '#local/top-sim/logistics-orders.ts';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';
import { successBody } from '#local/top-sim/wire.ts';
import { bundleFigures } from './bundles.ts';

const credentials = { appKey: SIM_DEFAULTS.appKey, appSecret: SIM_DEFAULTS.appSecret };

/** Runs `fn` for about `ms` and returns operations per second. */
function opsPerSecond(fn: () => unknown, ms = 1_000): number {
  for (let i = 0; i < 1_000; i++) fn();
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
  }
  return ops / ((performance.now() - start) / 1_000);
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Runs `script` as its own process and resolves with the URL of its `listening on` line. */
async function startProcess(
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

async function stopProcess(child: ChildProcess) {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** Runs `task(i)` `total` times with `concurrency` in flight; throughput and latency percentiles. */
async function measure(total: number, concurrency: number, task: (i: number) => Promise<void>) {
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

let webhooks = 0;
/** One signed WMS delivery through the local stack; anything but 2xx stops the benchmark. */
const postWebhook = (url: string, i: number) =>
  postSigned(url, '/webhooks/wms/delivery-orders', LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET, {
    delivery_order: { ticket_id: `W${i}`, status: 'PACKAGING', weight: 2300 },
  });

async function roundTrips(url: string, calls: number, concurrency: number) {
  const client = new TopClient({ gatewayUrl: url, aeGatewayUrl: new URL(url).origin });
  return measure(calls, concurrency, async (i) => {
    await sendDeliveryOrder(client, credentials, { ticket_id: `T${i}`, status: 'PACKAGING', weight: 2300 });
  });
}

// `npm run bench -- refresh` runs only the named parts: client, round-trips, webhooks, refresh, bundles.
const PARTS = ['client', 'round-trips', 'webhooks', 'refresh', 'bundles'] as const;
const asked = process.argv.slice(2);
const unknown = asked.filter((part) => !(PARTS as readonly string[]).includes(part));
if (unknown.length > 0)
  throw new Error(`unknown bench part ${unknown.join(', ')}: expected ${PARTS.join(', ')}`);
const runs = (part: (typeof PARTS)[number]) => asked.length === 0 || asked.includes(part);

async function main() {
  if (runs('client')) clientCpu();
  if (runs('bundles')) await bundleFigures();
  if (!runs('round-trips') && !runs('webhooks') && !runs('refresh')) return;
  const sim = await startProcess('local/top-sim/main.ts', { TOP_SIM_PORT: '0' });
  try {
    if (runs('round-trips')) await simulatorRoundTrips(sim.url);
    if (runs('webhooks')) await webhooksThroughTheStack(sim.url);
    if (runs('refresh')) await refreshAtScale(sim.url);
  } finally {
    await closeGatewayPools();
    await stopProcess(sim.child);
  }
}

/** The TOP client's CPU costs: signing, encoding, reading responses. */
function clientCpu() {
  const fields = encodeParams({
    method: 'aliexpress.solution.order.fulfill',
    app_key: credentials.appKey,
    timestamp: '2026-11-23 18:00:00',
    v: '2.0',
    sign_method: 'hmac-sha256',
    format: 'json',
    session: SIM_DEFAULTS.session,
    service_name: 'EMS',
    out_ref: '888877779999',
    send_type: 'part',
    logistics_no: 'LA88887777CN',
  });
  const order = logisticsOrderDetail('BP10000000018002', '4');
  const method = queryLogisticsOrderApi.method;
  const withBigIds = successBody(method, { data: order, is_success: true }, 'req', false, ['trade_order_id']);
  const withoutBigIds = successBody(method, { data: order, is_success: true }, 'req', false);

  console.log('TOP client, CPU (ops/s, higher is better)');
  for (const signMethod of ['hmac-sha256', 'hmac', 'md5'] as const) {
    console.log(
      `  sign ${signMethod.padEnd(12)} ${fmt(opsPerSecond(() => sign(fields, 'secret', signMethod)))}`,
    );
  }
  const client = new TopClient({
    gatewayUrl: 'http://127.0.0.1:1/router/rest',
    aeGatewayUrl: 'http://127.0.0.1:1',
  });
  for (const protocol of ['top', 'iop'] as const) {
    const signed = () =>
      client.signedFields('aliexpress.solution.order.fulfill', fields, credentials, protocol).toString();
    console.log(`  signed form (fulfil, ${protocol}) ${fmt(opsPerSecond(signed))}`);
  }
  console.log(`  read order detail      ${fmt(opsPerSecond(() => readTopResponse(withoutBigIds, method)))}`);
  console.log(`  … with a 2^53+ id      ${fmt(opsPerSecond(() => readTopResponse(withBigIds, method)))}`);
  console.log(
    `  … + OrderDTO schema    ${fmt(opsPerSecond(() => queryLogisticsOrderApi.response.parse(readTopResponse(withBigIds, method))))}`,
  );
}

/** Calls to the simulator with the client, one at a time and 16 at once. */
async function simulatorRoundTrips(simUrl: string) {
  console.log('\nRound trips to the simulator (its own process, 0 ms latency)');
  await roundTrips(simUrl, 500, 1);
  for (const concurrency of [1, 16]) {
    const r = await roundTrips(simUrl, 5_000, concurrency);
    console.log(
      `  concurrency ${String(concurrency).padStart(2)}: ${fmt(r.perSecond)} calls/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms`,
    );
  }
  const stats = (await (await fetch(new URL('/_sim/stats', simUrl))).json()) as { connections: number };
  console.log(`  connections opened for 10,500 calls: ${stats.connections}`);
}

/** `npm start` on a free port and its own data folder, with the simulator process as TOP. */
const stackEnv = (simUrl: string, dataDir: string) => ({
  PORT: '0',
  DATA_DIR: dataDir,
  TOP_GATEWAY_URL: simUrl,
  AE_GATEWAY_URL: new URL(simUrl).origin,
  TOP_APP_KEY: SIM_DEFAULTS.appKey,
  TOP_APP_SECRET: SIM_DEFAULTS.appSecret,
  TOP_SESSION: `shop-1=${SIM_DEFAULTS.session}`,
});

/** WMS webhooks through `npm start` (gateway, handler, dynalite, the simulator), beside direct calls. */
async function webhooksThroughTheStack(simUrl: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-stack-'));
  const stack = await startProcess('local/start.ts', stackEnv(simUrl, dataDir));
  try {
    console.log(
      '\nWMS webhooks through the local stack (signed, verified, claimed in dynalite, sent to TOP, recorded)',
    );
    console.log('beside the same TOP call made directly with the client; simulator at 0 ms');
    await measure(300, 1, (i) => postWebhook(stack.url, i));
    for (const concurrency of [1, 16]) {
      const hooks = await measure(2_000, concurrency, (i) =>
        postWebhook(stack.url, concurrency * 100_000 + i),
      );
      const direct = await roundTrips(simUrl, 2_000, concurrency);
      console.log(
        `  concurrency ${String(concurrency).padStart(2)}: webhooks ${fmt(hooks.perSecond)}/s (p50 ${fmt(hooks.p50, 2)} ms, p99 ${fmt(hooks.p99, 2)} ms); ` +
          `direct ${fmt(direct.perSecond)}/s (p50 ${fmt(direct.p50, 2)} ms, p99 ${fmt(direct.p99, 2)} ms); ` +
          `ratio ${fmt(direct.perSecond / hooks.perSecond, 1)}×`,
      );
    }
  } finally {
    await stopProcess(stack.child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const REFRESH_ORDERS = 10_000;

/**
 * The order-detail refresh at 10,000 tracked orders through the local stack, the simulator holding
 * TOP's limit at 200 calls/s and the workers paced at 180/s: orders refreshed per second, and TOP
 * calls per refreshed order (1.0 when no call meets a ban).
 */
async function refreshAtScale(simUrl: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-refresh-'));
  const env = {
    ...stackEnv(simUrl, dataDir),
    REFRESH_CALLS_PER_SECOND: '180',
    // Long enough that no order comes due a second time during the measured round.
    REFRESH_INTERVAL_SECONDS: '3600',
  };
  try {
    console.log(`\nOrder-detail refresh: ${fmt(REFRESH_ORDERS)} tracked orders through the local stack`);
    // Tracked first with the dispatcher asleep, so the round is measured on its own.
    const tracking = await startProcess('local/start.ts', { ...env, SCHEDULE_INTERVAL_SECONDS: '86400' });
    const tracked = await measure(REFRESH_ORDERS, 16, (i) =>
      postSigned(
        tracking.url,
        '/webhooks/storefront/logistics-orders',
        LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET,
        {
          logistics_order_id: `BPBENCH${String(i).padStart(6, '0')}`,
        },
      ),
    );
    await stopProcess(tracking.child);
    console.log(`  tracking requests: ${fmt(tracked.perSecond)}/s (p50 ${fmt(tracked.p50, 2)} ms)`);

    await fetch(new URL('/_sim/ledger', simUrl), { method: 'DELETE' });
    await fetch(new URL('/_sim/faults', simUrl), {
      method: 'POST',
      body: JSON.stringify([{ type: 'rate_limit', qps: 200, ban_seconds: 2 }]),
    });
    const before = await simStats(simUrl);
    const refreshing = await startProcess('local/start.ts', { ...env, SCHEDULE_INTERVAL_SECONDS: '1' });
    const start = performance.now();
    let executed = 0;
    while (executed < REFRESH_ORDERS && performance.now() - start < 600_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const ledger = (await (await fetch(new URL('/_sim/ledger', simUrl))).json()) as {
        params: { logistics_order_id: string };
      }[];
      executed = new Set(ledger.map((entry) => entry.params.logistics_order_id)).size;
    }
    const seconds = (performance.now() - start) / 1_000;
    await stopProcess(refreshing.child);
    // API calls only: the ledger polls above are requests too.
    const calls = (await simStats(simUrl)).calls - before.calls;
    console.log(
      `  one round: ${fmt(executed)} orders refreshed in ${fmt(seconds, 1)} s = ${fmt(executed / seconds)}/s ` +
        `(first dispatch within 1 s); TOP calls per refreshed order ${fmt(calls / Math.max(1, executed), 3)}`,
    );
  } finally {
    await fetch(new URL('/_sim/faults', simUrl), { method: 'DELETE' });
    await rm(dataDir, { recursive: true, force: true });
  }
}

const simStats = async (simUrl: string) =>
  (await (await fetch(new URL('/_sim/stats', simUrl))).json()) as { calls: number };

/** A signed delivery of `body` to `path`; anything but 2xx stops the benchmark. */
async function postSigned(url: string, path: string, secret: string, body: unknown) {
  const raw = JSON.stringify(body);
  const headers = signWebhook({
    id: `msg_bench_${process.pid}_${++webhooks}`,
    timestamp: Math.floor(Date.now() / 1000),
    body: raw,
    secret,
  });
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
}

await main();
