// `npm run bench`: figures, not tests. The TOP client's CPU cost (sign, encode, parse), its round
// trips to the simulator, and webhooks through the local stack beside the same TOP calls made
// directly. The simulator and the stack run as their own processes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryLogisticsOrderApi } from '#lib/top/apis/query-logistics-order.ts';
import { sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import { TopClient } from '#lib/top/client.ts';
import { encodeParams } from '#lib/top/params.ts';
import { readTopResponse } from '#lib/top/response.ts';
import { sign } from '#lib/top/sign.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import { logisticsOrderDetail } from '#local/top-sim/logistics-orders.ts';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';
import { successBody } from '#local/top-sim/wire.ts';
import { bundleFigures } from './bundles.ts';
import { fmt, measure, opsPerSecond, postSigned, stackEnv, startProcess, stopProcess } from './harness.ts';
import { refreshAtScale } from './refresh.ts';

const credentials = { appKey: SIM_DEFAULTS.appKey, appSecret: SIM_DEFAULTS.appSecret };

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

await main();
