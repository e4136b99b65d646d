// P1 in `npm run bench`: the TOP client's CPU per call (validate, sign, encode, post, read, check
// the answer) beside the floor any client pays: undici's pool posting a form signed beforehand and
// reading the answer's text. Both post to the simulator process, 16 calls in flight. The client
// runs as the functions carry it: bundled and minified by esbuild, not through tsx's transform.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Pool } from 'undici';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';
import { fmt, measure } from './harness.ts';

type ClientModule = typeof import('./client-entry.ts');

const CALLS = 5_000;
const CONCURRENCY = 16;
// The first round runs before the JIT has settled on either side; the lowest of four is kept.
const ROUNDS = 4;
const credentials = { appKey: SIM_DEFAULTS.appKey, appSecret: SIM_DEFAULTS.appSecret };
const order = { ticket_id: 'T-CPU', status: 'PACKAGING', weight: 2300 } as const;

export interface ClientCpuFigures {
  /** µs of this process's CPU per call. */
  readonly clientUs: number;
  readonly floorUs: number;
  readonly ratio: number;
}

/** CPU (user + system) of this process per call of `task`, in µs, `CALLS` calls 16 at a time. */
async function cpuPerCall(task: (i: number) => Promise<void>): Promise<number> {
  await measure(1_000, CONCURRENCY, task);
  const before = process.cpuUsage();
  await measure(CALLS, CONCURRENCY, task);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

/** The client as a function's bundle carries it. */
async function bundledClient(outdir: string): Promise<ClientModule> {
  const outfile = join(outdir, 'client.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./client-entry.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    outfile,
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(outfile).href)) as ClientModule;
}

export async function clientCpuFigures(simUrl: string): Promise<ClientCpuFigures> {
  const outdir = await mkdtemp(join(tmpdir(), 'bench-client-'));
  const { TopClient, sendDeliveryOrder, sendDeliveryOrderApi, encodeParams, closeGatewayPools } =
    await bundledClient(outdir);
  const client = new TopClient({ gatewayUrl: simUrl, aeGatewayUrl: new URL(simUrl).origin });
  const url = new URL(simUrl);
  // The form the client posts, signed once: the simulator answers the floor as it answers the client.
  const { method, objectParam } = sendDeliveryOrderApi;
  const form = client
    .signedFields(method, encodeParams({ [objectParam]: order }), credentials, 'top')
    .toString();
  const pool = new Pool(url.origin, { connections: 32 });
  const floorAnswer = async () => {
    const response = await pool.request({
      origin: url.origin,
      path: url.pathname,
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        accept: 'application/json',
      },
      body: form,
    });
    return response.body.text();
  };
  const floor = async () => {
    await floorAnswer();
  };
  const call = async () => {
    await sendDeliveryOrder(client, credentials, order);
  };
  try {
    // A refused form is another exchange, and a cheaper one: the floor makes the client's call.
    const answer = await floorAnswer();
    if (answer.includes('error_response')) throw new Error(`the floor's form was refused: ${answer}`);
    // In turns, the lowest kept: a busy moment of the machine is not charged to one side.
    const floors: number[] = [];
    const clients: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      floors.push(await cpuPerCall(floor));
      clients.push(await cpuPerCall(call));
    }
    const floorUs = Math.min(...floors);
    const clientUs = Math.min(...clients);
    console.log(
      `\nP1 · TOP client CPU per call, ${CONCURRENCY} in flight, ${fmt(CALLS)} calls to the simulator`,
    );
    console.log(`  undici pool posting a pre-signed form (the floor)   ${fmt(floorUs, 1)} µs`);
    console.log(`  TopClient: tmall.ovs.delivery.order.info.send       ${fmt(clientUs, 1)} µs`);
    return { clientUs, floorUs, ratio: clientUs / floorUs };
  } finally {
    await pool.close();
    await closeGatewayPools();
    await rm(outdir, { recursive: true, force: true });
  }
}
