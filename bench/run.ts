// `npm run bench`: figures, not tests. The TOP client's CPU cost (sign, encode, parse) and its
// round trips to the simulator, which runs as its own process so its CPU is not counted as ours.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { queryLogisticsOrderApi } from '#lib/top/apis/query-logistics-order.ts';
import { sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import { TopClient } from '#lib/top/client.ts';
import { encodeParams } from '#lib/top/params.ts';
import { readTopResponse } from '#lib/top/response.ts';
import { sign } from '#lib/top/sign.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
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

async function startSimulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/top-sim/main.ts'], {
    env: { ...process.env, TOP_SIM_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    const match = /listening on (\S+)/.exec(line);
    if (match?.[1]) {
      child.stdout?.resume();
      return { url: match[1], child };
    }
  }
  throw new Error('the simulator exited before listening');
}

async function roundTrips(url: string, calls: number, concurrency: number) {
  const client = new TopClient({ gatewayUrl: url });
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      const i = next++;
      const start = performance.now();
      await sendDeliveryOrder(client, credentials, { ticket_id: `T${i}`, status: 'PACKAGING', weight: 2300 });
      latencies.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1_000;
  latencies.sort((a, b) => a - b);
  return { perSecond: calls / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
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

  const sim = await startSimulatorProcess();
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
  } finally {
    await closeGatewayPools();
    sim.child.kill('SIGTERM');
    await once(sim.child, 'exit');
  }
}

await main();
