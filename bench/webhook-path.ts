// P2 and P3 in `npm run bench`: signed WMS deliveries through `npm start` (the local gateway, the
// handler, dynalite, the simulator as TOP) beside the parts of their path, each measured alone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import { TopClient } from '#lib/top/client.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';
import { dynamoPathFigures } from './dynamo-path.ts';
import {
  fmt,
  type LoadFigures,
  measure,
  postSigned,
  stackEnv,
  startProcess,
  stopProcess,
} from './harness.ts';

const GATEWAY_LATENCY_MS = 50;
const CONCURRENCY = 16;
const credentials = { appKey: SIM_DEFAULTS.appKey, appSecret: SIM_DEFAULTS.appSecret };

export interface LatencyFigures {
  readonly webhookP50: number;
  readonly directP50: number;
  readonly ratio: number;
}

export interface ThroughputFigures {
  readonly webhooksPerSecond: number;
  readonly topCallsPerSecond: number;
  readonly dynamoSetsPerSecond: number;
  /** What the path could do if it spent nothing beyond one TOP call and its DynamoDB writes. */
  readonly limitPerSecond: number;
  readonly ratio: number;
}

let deliveries = 0;
/** One signed WMS delivery of a ticket not delivered before. */
const deliver = (url: string) =>
  postSigned(url, '/webhooks/wms/delivery-orders', LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET, {
    delivery_order: { ticket_id: `W${process.pid}-${++deliveries}`, status: 'PACKAGING', weight: 2300 },
  });

/** The same TOP call a delivery makes, made directly with the client. */
function directCalls(simUrl: string, total: number, concurrency: number): Promise<LoadFigures> {
  const client = new TopClient({ gatewayUrl: simUrl, aeGatewayUrl: new URL(simUrl).origin });
  return measure(total, concurrency, async (i) => {
    await sendDeliveryOrder(client, credentials, { ticket_id: `D${i}`, status: 'PACKAGING', weight: 2300 });
  });
}

const setFaults = (simUrl: string, faults: unknown[]) =>
  fetch(new URL('/_sim/faults', simUrl), {
    method: faults.length ? 'POST' : 'DELETE',
    body: JSON.stringify(faults),
  });

export async function webhookPathFigures(
  simUrl: string,
): Promise<{ latency: LatencyFigures; throughput: ThroughputFigures }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-stack-'));
  const stack = await startProcess('local/start.ts', {
    ...stackEnv(simUrl, dataDir),
    // Nothing scheduled runs beside the deliveries.
    SCHEDULE_INTERVAL_SECONDS: '86400',
  });
  try {
    // P2: one at a time, the gateway answering after 50 ms.
    await setFaults(simUrl, [{ type: 'latency', ms: GATEWAY_LATENCY_MS }]);
    await measure(50, 1, () => deliver(stack.url));
    await directCalls(simUrl, 50, 1);
    const hooks = await measure(300, 1, () => deliver(stack.url));
    const direct = await directCalls(simUrl, 300, 1);
    await setFaults(simUrl, []);
    const latency = { webhookP50: hooks.p50, directP50: direct.p50, ratio: hooks.p50 / direct.p50 };
    console.log(
      `\nP2 · One WMS delivery at a time, the gateway answering after ${GATEWAY_LATENCY_MS} ms (300 each)`,
    );
    console.log(`  through the local stack   p50 ${fmt(hooks.p50, 1)} ms, p99 ${fmt(hooks.p99, 1)} ms`);
    console.log(`  the TOP call alone        p50 ${fmt(direct.p50, 1)} ms, p99 ${fmt(direct.p99, 1)} ms`);

    // P3: 16 in flight, the gateway answering at once; the path's parts alone, then the path.
    await measure(500, CONCURRENCY, () => deliver(stack.url));
    const top = await directCalls(simUrl, 4_000, CONCURRENCY);
    const dynamo = await dynamoPathFigures(4_000, CONCURRENCY);
    const webhooks = await measure(4_000, CONCURRENCY, () => deliver(stack.url));
    const limit = 1 / (1 / top.perSecond + 1 / dynamo.perSecond);
    console.log(
      `\nP3 · WMS deliveries, ${CONCURRENCY} in flight, the gateway answering at once (4,000 each)`,
    );
    console.log(`  the TOP call alone                         ${fmt(top.perSecond)}/s`);
    console.log(`  its DynamoDB writes alone (4, 2 at a time) ${fmt(dynamo.perSecond)}/s`);
    console.log(`  the path's limit, 1 / (1/top + 1/writes)   ${fmt(limit)}/s`);
    console.log(
      `  through the local stack                    ${fmt(webhooks.perSecond)}/s (p50 ${fmt(webhooks.p50, 1)} ms, p99 ${fmt(webhooks.p99, 1)} ms)`,
    );
    return {
      latency,
      throughput: {
        webhooksPerSecond: webhooks.perSecond,
        topCallsPerSecond: top.perSecond,
        dynamoSetsPerSecond: dynamo.perSecond,
        limitPerSecond: limit,
        ratio: webhooks.perSecond / limit,
      },
    };
  } finally {
    await setFaults(simUrl, []);
    await closeGatewayPools();
    await stopProcess(stack.child);
    await rm(dataDir, { recursive: true, force: true });
  }
}
