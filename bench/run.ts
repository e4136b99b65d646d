// `npm run bench`: figures, not tests; the goals P1–P6 each printed beside what this run measured,
// every ratio taken within the run. The simulator and the local stack run as their own processes.
// `npm run bench -- webhooks refresh` runs only the parts named.
import { closeGatewayPools } from '#lib/top/transport.ts';
import { bundleFigures } from './bundles.ts';
import { clientCpuFigures } from './client-cpu.ts';
import { clientParts } from './client-parts.ts';
import { printGoals, type RunFigures } from './goals.ts';
import { closeLoadPools, startProcess, stopProcess } from './harness.ts';
import { refreshAtScale } from './refresh.ts';
import { refreshRequestsPerOrder } from './refresh-requests.ts';
import { webhookPathFigures } from './webhook-path.ts';
import { type DeliveryRequests, webhookRequestFigures } from './webhook-requests.ts';

// Node 20 runs the benchmark as well as 22: the AWS SDK's warning about it would sit among the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PARTS = ['client', 'webhooks', 'refresh', 'bundles', 'requests'] as const;
type Part = (typeof PARTS)[number];
const asked = process.argv.slice(2);
const unknown = asked.filter((part) => !(PARTS as readonly string[]).includes(part));
if (unknown.length > 0)
  throw new Error(`unknown bench part ${unknown.join(', ')}: expected ${PARTS.join(', ')}`);
const runs = (part: Part) => asked.length === 0 || asked.includes(part);

// Requests sent together (one round trip) are joined by `+`.
const described = (name: string, figure: DeliveryRequests) =>
  `${name.padEnd(34)} ${String(figure.requests.length).padStart(2)} in ${figure.rounds.length} round trip${figure.rounds.length === 1 ? '' : 's'}: ${figure.rounds.map((round) => round.join(' + ')).join(', ')}`;

async function main() {
  const figures: RunFigures = {};
  if (runs('client')) clientParts();
  if (runs('requests')) {
    const webhooks = await webhookRequestFigures();
    const perOrder = await refreshRequestsPerOrder();
    figures.p6 = [
      described('new WMS delivery (container warm)', webhooks.newWms),
      described('new WMS delivery (container cold)', webhooks.firstWms),
      described('duplicate WMS delivery (dynalite)', webhooks.duplicateWms),
      `${'duplicate WMS delivery (DynamoDB)'.padEnd(34)}  2 in 1 round trip: PutItem + UpdateItem (both refused; ReturnValuesOnConditionCheckFailure brings the record back)`,
      described('new storefront fulfilment', webhooks.newStorefront),
      described('duplicate storefront fulfilment', webhooks.duplicateStorefront),
      `${'refreshed logistics order'.padEnd(34)} ${perOrder.toFixed(2).padStart(5)} on average`,
    ];
    console.log('\nP6 · DynamoDB requests, counted on the wire');
    for (const line of figures.p6) console.log(`  ${line}`);
  }
  if (runs('bundles')) figures.p5 = await bundleFigures();
  if (runs('client') || runs('webhooks') || runs('refresh')) {
    const sim = await startProcess('local/top-sim/main.ts', { TOP_SIM_PORT: '0' });
    try {
      if (runs('client')) figures.p1 = await clientCpuFigures(sim.url);
      if (runs('webhooks')) {
        const { latency, throughput } = await webhookPathFigures(sim.url);
        figures.p2 = latency;
        figures.p3 = throughput;
      }
      if (runs('refresh')) figures.p4 = await refreshAtScale(sim.url);
    } finally {
      await closeGatewayPools();
      await closeLoadPools();
      await stopProcess(sim.child);
    }
  }
  printGoals(figures);
}

await main();
