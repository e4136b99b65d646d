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

/** The environment of the child: ours without any TOP_* variable, so the defaults apply, then `extra`. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TOP_')));
  return { ...env, TOP_SIM_PORT: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
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

const children: ChildProcessWithoutNullStreams[] = [];

afterAll(async () => {
  await closeGatewayPools();
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
});

/** `npm run top-sim` as a child process, resolved once its banner is printed. */
async function startSimulator(env: NodeJS.ProcessEnv) {
  const child = spawn('node_modules/.bin/tsx', ['local/top-sim/main.ts'], { env });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const { lines } = await waitForLine(child, CONTROL, START_TIMEOUT_MS);
  const [, url, port] = lines.map((line) => LISTENING.exec(line)).find(Boolean) ?? [];
  return { child, lines, stderr: () => stderr, url: url ?? '', port: Number(port) };
}

/** SIGTERM; resolves with the exit code once stdout is drained, so `lines` then holds all it printed. */
async function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const closed = once(child, 'close');
  child.kill('SIGTERM');
  const [code] = await closed;
  return code as number | null;
}

describe('npm run top-sim (local/top-sim/main.ts)', () => {
  it('starts on the given port, prints its URL and credentials, answers signed calls, logs no param value, and stops on SIGTERM', async () => {
    const { child, lines, url, port } = await startSimulator(childEnv());

    expect(port).toBeGreaterThan(0);
    expect(lines).toEqual(
      expect.arrayContaining([
        `  app key  TOP_APP_KEY=${SIM_DEFAULTS.appKey}`,
        `  secret   TOP_APP_SECRET=${SIM_DEFAULTS.appSecret}`,
        `  sessions TOP_SESSION=${SIM_DEFAULTS.session}`,
      ]),
    );
    const client = new TopClient({ gatewayUrl: url });
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

    expect(await stop(child)).toBe(0);
    const log = lines.filter((line) => line.startsWith('[top-sim] '));
    expect(log).toEqual([
      expect.stringMatching(/^\[top-sim\] aliexpress\.solution\.order\.fulfill ok \d+ms$/),
      expect.stringMatching(/^\[top-sim\] tmall\.ovs\.delivery\.order\.info\.send ok \d+ms$/),
    ]);
  });

  it('prints neither the app secret nor the sessions when they come from the environment, and accepts them', async () => {
    const user = {
      appSecret: 'user-app-secret-4f1c9e',
      sessions: ['user-session-a7d2', 'user-session-b9e3'],
    };
    const { child, lines, stderr, url } = await startSimulator(
      childEnv({ TOP_APP_SECRET: user.appSecret, TOP_SESSION: user.sessions.join(',') }),
    );

    const fulfilled = await fulfillOrder(
      new TopClient({ gatewayUrl: url }),
      { appKey: SIM_DEFAULTS.appKey, appSecret: user.appSecret, session: user.sessions[1] ?? '' },
      { service_name: 'EMS', out_ref: '6002', send_type: 'all', logistics_no: 'LA6002CN' },
    );
    expect(fulfilled.response.result?.result_success).toBe(true);
    expect(await stop(child)).toBe(0);

    const output = `${lines.join('\n')}\n${stderr()}`;
    for (const value of [user.appSecret, ...user.sessions]) expect(output).not.toContain(value);
    expect(lines).toEqual(
      expect.arrayContaining([
        `  app key  TOP_APP_KEY=${SIM_DEFAULTS.appKey}`,
        '  secret   TOP_APP_SECRET from the environment (not shown)',
        '  sessions TOP_SESSION from the environment: 2 sessions (not shown)',
      ]),
    );
  });
});
