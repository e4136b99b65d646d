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
/** One signed WMS delivery through the local stack; anything but 200 stops the benchmark. */
async function postWebhook(url: string, i: number) {
  const body = JSON.stringify({ delivery_order: { ticket_id: `W${i}`, status: 'PACKAGING', weight: 2300 } });
  const id = `msg_bench_${process.pid}_${++webhooks}`;
  const headers = signWebhook({
    id,
    timestamp: Math.floor(Date.now() / 1000),
    body,
    secret: LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET,
  });
  const response = await fetch(`${url}/webhooks/wms/delivery-orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${text}`);
}

async function roundTrips(url: string, calls: number, concurrency: number) {
  const client = new TopClient({ gatewayUrl: url });
  return measure(calls, concurrency, async (i) => {
    await sendDeliveryOrder(client, credentials, { ticket_id: `T${i}`, status: 'PACKAGING', weight: 2300 });
  });
}

async function main() {
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
  const client = new TopClient({ gatewayUrl: 'http://127.0.0.1:1/router/rest' });
  console.log(
    `  signed form (fulfil)   ${fmt(opsPerSecond(() => client.signedFields('aliexpress.solution.order.fulfill', fields, credentials).toString()))}`,
  );
  console.log(`  read order detail      ${fmt(opsPerSecond(() => readTopResponse(withoutBigIds, method)))}`);
  console.log(`  … with a 2^53+ id      ${fmt(opsPerSecond(() => readTopResponse(withBigIds, method)))}`);
  console.log(
    `  … + OrderDTO schema    ${fmt(opsPerSecond(() => queryLogisticsOrderApi.response.parse(readTopResponse(withBigIds, method))))}`,
  );

  const sim = await startProcess('local/top-sim/main.ts', { TOP_SIM_PORT: '0' });
  try {
    console.log('\nRound trips to the simulator (its own process, 0 ms latency)');
    await roundTrips(sim.url, 500, 1);
    for (const concurrency of [1, 16]) {
      const r = await roundTrips(sim.url, 5_000, concurrency);
      console.log(
        `  concurrency ${String(concurrency).padStart(2)}: ${fmt(r.perSecond)} calls/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms`,
      );
    }
    const stats = (await (await fetch(new URL('/_sim/stats', sim.url))).json()) as { connections: number };
    console.log(`  connections opened for 10,500 calls: ${stats.connections}`);

    await webhooksThroughTheStack(sim.url);
  } finally {
    await closeGatewayPools();
    await stopProcess(sim.child);
  }
}

/** WMS webhooks through `npm start` (gateway, handler, dynalite, the simulator), beside direct calls. */
async function webhooksThroughTheStack(simUrl: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-stack-'));
  const stack = await startProcess('local/start.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    TOP_GATEWAY_URL: simUrl,
    TOP_APP_KEY: SIM_DEFAULTS.appKey,
    TOP_APP_SECRET: SIM_DEFAULTS.appSecret,
    TOP_SESSION: `shop-1=${SIM_DEFAULTS.session}`,
  });
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

await main();
