import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { fulfillOrder } from '#lib/top/apis/fulfill-order.ts';
import { sendDeliveryOrder } from '#lib/top/apis/send-delivery-order.ts';
import { TopClient } from '#lib/top/client.ts';
import { closeGatewayPools } from '#lib/top/transport.ts';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';

const LISTENING = /^TOP simulator listening on (http:\/\/127\.0\.0\.1:(\d+)\/router\/rest)$/;
// The last line of the banner.
const CONTROL = /^ {2}control {2}http:\/\/127\.0\.0\.1:\d+\/_sim\/\{ledger,faults,stats,state\}$/;
const START_TIMEOUT_MS = 15_000;

/** The environment of the child: ours without any TOP_* variable, so the defaults apply, and port 0. */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TOP_')));
  return { ...env, TOP_SIM_PORT: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}

/** Resolves with the lines printed up to and including the first matching `pattern`; bounded in time. */
function waitForLine(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs: number) {
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ match: RegExpExecArray; lines: string[] }>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}; stdout: ${lines.join('\n')}; stderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail(`no line matching ${pattern} within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before printing ${pattern}`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const match = pattern.exec(line);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        // Keep draining stdout so the child never blocks on a full pipe.
        resolve({ match, lines });
      }
    });
  });
}

let child: ChildProcessWithoutNullStreams | undefined;

afterAll(async () => {
  await closeGatewayPools();
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
});

describe('npm run top-sim (local/top-sim/main.ts)', () => {
  it('starts on the given port, prints its URL and credentials, answers signed calls, logs no param value, and stops on SIGTERM', async () => {
    child = spawn('node_modules/.bin/tsx', ['local/top-sim/main.ts'], { env: childEnv() });
    const { lines } = await waitForLine(child, CONTROL, START_TIMEOUT_MS);
    const [, url, port] = lines.map((line) => LISTENING.exec(line)).find(Boolean) ?? [];

    expect(Number(port)).toBeGreaterThan(0);
    expect(lines).toEqual(
      expect.arrayContaining([
        `  app key  TOP_APP_KEY=${SIM_DEFAULTS.appKey}`,
        `  secret   TOP_APP_SECRET=${SIM_DEFAULTS.appSecret}`,
        `  sessions TOP_SESSION=${SIM_DEFAULTS.session}`,
      ]),
    );
    const client = new TopClient({ gatewayUrl: url ?? '' });
    const credentials = {
      appKey: SIM_DEFAULTS.appKey,
      appSecret: SIM_DEFAULTS.appSecret,
      session: SIM_DEFAULTS.session,
    };
    const fulfilled = await fulfillOrder(client, credentials, {
      service_name: 'EMS',
      out_ref: '6001',
      send_type: 'all',
      logistics_no: 'LA6CN',
    });
    const sent = await sendDeliveryOrder(
      client,
      { appKey: SIM_DEFAULTS.appKey, appSecret: SIM_DEFAULTS.appSecret },
      { ticket_id: 'T-6001', status: 'PACKAGING' },
    );

    expect(fulfilled.response.result?.result_success).toBe(true);
    expect(sent.response.result?.success).toBe(true);

    // 'close' comes once stdout is drained too, so `lines` then holds everything the child printed.
    const closed = once(child, 'close');
    child.kill('SIGTERM');
    const [code] = await closed;
    expect(code).toBe(0);
    const log = lines.filter((line) => line.startsWith('[top-sim] '));
    expect(log).toEqual([
      expect.stringMatching(/^\[top-sim\] aliexpress\.solution\.order\.fulfill ok \d+ms$/),
      expect.stringMatching(/^\[top-sim\] tmall\.ovs\.delivery\.order\.info\.send ok \d+ms$/),
    ]);
  });
});
