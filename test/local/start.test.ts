import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockDirectory } from '#local/dir-lock.ts';
import { runSend } from '#local/send.ts';
import { type LocalStackProcess, startLocalStack } from '#test/helpers/local-stack.ts';

const CONTROL = /^ {2}control {6}(http:\/\/127\.0\.0\.1:\d+)\/_sim\//;

let dataDir: string;
const started: LocalStackProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-start-'));
});

const servers: Server[] = [];

afterEach(async () => {
  for (const stack of started.splice(0)) await stack.stop();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<LocalStackProcess> {
  const stack = await startLocalStack({ dataDir, env });
  started.push(stack);
  return stack;
}

/** What a start that fails prints: its output, then its stderr (`startLocalStack`'s rejection). */
async function failedStart(env: Record<string, string>): Promise<string> {
  const error = await startLocalStack({ dataDir, env }).then(
    (stack) => {
      started.push(stack);
      throw new Error(`started on ${stack.url}`);
    },
    (rejection: Error) => rejection,
  );
  expect(error.message).toMatch(/^exited \(1\) before listening\n/);
  return error.message;
}

/** A port something else listens on, on the stack's loopback address. */
async function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const STACK_TRACE = /^\s+at /m;

async function send(
  stack: LocalStackProcess,
  id: string,
  [source, file] = ['wms', 'examples/wms-delivery-order.json'],
) {
  const out: string[] = [];
  const code = await runSend([source, file, '--url', stack.url, '--id', id], {
    env: {},
    out: (line) => out.push(line),
    err: (line) => out.push(line),
  });
  return { code, out };
}

async function ledger(stack: LocalStackProcess): Promise<{ method: string; protocol: string }[]> {
  const origin = stack.lines.map((line) => CONTROL.exec(line)?.[1]).find(Boolean);
  return (await fetch(`${origin}/_sim/ledger`)).json() as Promise<{ method: string; protocol: string }[]>;
}

describe('npm start (local/start.ts)', () => {
  // One test, since each start costs a process: the restart needs the first run's data anyway.
  it('sends each example to its platform once (WMS over TOP, the fulfilment over IOP), stops on SIGTERM, and after a restart on the same data replays it without calling TOP', async () => {
    const first = await start();

    const sent = await send(first, 'msg_local_start_1');
    const shipped = await send(first, 'msg_local_start_2', [
      'storefront',
      'examples/storefront-fulfillment.json',
    ]);

    expect([sent.code, shipped.code]).toEqual([0, 0]);
    expect((await ledger(first)).map(({ method, protocol }) => `${protocol} ${method}`)).toEqual([
      'top tmall.ovs.delivery.order.info.send',
      'iop aliexpress.solution.order.fulfill',
    ]);
    expect(await first.stop()).toBe(0);
    // Once it has exited, `lines` holds everything it printed: the settings, never the TOP secrets.
    const printed = first.lines.join('\n');
    expect(first.lines).toContain('SIGTERM: stopping');
    expect(printed).toContain('TOP_APP_SECRET');
    expect(printed).not.toContain('local-top-app-secret');
    expect(printed).not.toContain('local-seller-session');

    const second = await start();
    const replayed = await send(second, 'msg_local_start_1');

    expect(replayed.code).toBe(0);
    expect(await ledger(second)).toEqual([]);
  });
});

describe('npm start refusing to start, in one line naming what to change', () => {
  it('names PORT when the API port is in use', async () => {
    const port = await takenPort();

    const output = await failedStart({ PORT: String(port) });

    expect(output.split('\n')).toContain(
      `npm start failed: port ${port} is in use: set PORT to another port (0 picks a free one)`,
    );
    expect(output).not.toMatch(STACK_TRACE);
  });

  it("names TOP_SIM_PORT when the simulator's port is in use", async () => {
    const port = await takenPort();

    const output = await failedStart({ TOP_SIM_PORT: String(port) });

    expect(output.split('\n')).toContain(
      `npm start failed: port ${port} is in use: set TOP_SIM_PORT to another port (0 picks a free one)`,
    );
    expect(output).not.toMatch(STACK_TRACE);
  });

  it('names DATA_DIR when another stack holds the data folder', async () => {
    const first = await start();

    const output = await failedStart({});

    expect(output.split('\n')).toContain(
      `npm start failed: ${join(dataDir, 'dynamodb')} is in use by process ${first.pid} (is the local stack already running?): set DATA_DIR to another folder to run a second stack`,
    );
    expect(output).not.toMatch(STACK_TRACE);
  });

  it('refuses a TOP_SESSION without seller=, naming the format and not the value', async () => {
    const output = await failedStart({ TOP_SESSION: 'garbage' });

    expect(output.split('\n')).toContain(
      'npm start failed: invalid local settings: TOP_SESSION must be seller=session[,seller=session…] (e.g. shop-1=local-seller-session): the value has no seller=',
    );
    expect(output).not.toContain('garbage');
    expect(output).not.toMatch(STACK_TRACE);
  });
});

describe("the simulator's control routes under npm start", () => {
  it('listen on TOP_SIM_PORT, and a fault posted as the README does makes the next delivery wait for the sweeper', async () => {
    const simPort = await freePort();
    const stack = await start({ TOP_SIM_PORT: String(simPort), SCHEDULE_INTERVAL_SECONDS: '1' });
    const control = `http://127.0.0.1:${simPort}`;
    // Printed after the `listening on` line: wait for the end of the banner.
    const fault = `  curl -X POST ${control}/_sim/faults -d '{"type":"isp","count":1}'`;
    await vi.waitFor(() => expect(stack.lines).toContain(fault));
    expect(stack.lines).toContain(`  control      ${control}/_sim/{ledger,faults,stats,state,tokens}`);

    // curl -X POST http://127.0.0.1:<TOP_SIM_PORT>/_sim/faults -d '{"type":"isp","count":1}'
    const posted = await fetch(`${control}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"type":"isp","count":1}',
    });
    expect([posted.status, await posted.json()]).toEqual([200, [{ type: 'isp', count: 1 }]]);

    const { code, out } = await send(stack, 'msg_local_start_fault');
    expect(code, out.join('\n')).toBe(0);
    expect(out).toContain('202 Accepted');
    const location = out
      .find((line) => line.startsWith('location: /operations/'))
      ?.slice('location: '.length);
    expect(location).toBeDefined();

    await vi.waitFor(
      async () => {
        const operation = (await (await fetch(`${stack.url}${location}`)).json()) as { status: string };
        expect(operation.status).toBe('SUCCEEDED');
      },
      { timeout: 15_000, interval: 250 },
    );
    expect((await ledger(stack)).map(({ method }) => method)).toEqual(['tmall.ovs.delivery.order.info.send']);
  }, 30_000);
});

describe('npm start under npm', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  // As test/helpers/local-stack.ts: the parent's settings never reach the stack.
  const STACK_VARIABLES =
    /^(PORT|DATA_DIR|TOP_.*|WMS_.*|STOREFRONT_.*|SCHEDULE_.*|RETRY_.*|REFRESH_.*|OPERATIONS_TABLE|DYNAMODB_ENDPOINT|PUBLIC_URL|SELLER.*|SECRETS_MANAGER_ENDPOINT|AE_.*)$/;
  let npm: ChildProcess | undefined;

  afterEach(() => {
    // The whole group, should a test fail before the stack stopped.
    if (npm?.pid && npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid, 'SIGKILL');
    npm = undefined;
  });

  /** `npm start` in its own process group, as a terminal runs it; resolves once the stack listens. */
  async function npmStart() {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !STACK_VARIABLES.test(name)),
    );
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      env: { ...env, PORT: '0', TOP_SIM_PORT: '0', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm = child;
    const lines: string[] = [];
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const closed = once(child, 'close');
    const listening = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('listening on ')) resolve();
      });
      closed.then(() =>
        reject(new Error(`npm start exited before listening\n${lines.join('\n')}\n${stderr}`)),
      );
    });
    await listening;
    const exit = closed.then(([code]) => ({ code: code as number | null, lines, stderr }));
    return { pid: child.pid ?? 0, exit };
  }

  /** The data folder is free again: the stack let go of its lock and removed its pid file. */
  async function expectReleased() {
    const dynamo = join(dataDir, 'dynamodb');
    expect(await readdir(dynamo)).not.toContain('local-stack.pid');
    await (await lockDirectory(dynamo)).release();
  }

  it('stops cleanly on a SIGTERM sent to npm alone', async () => {
    const { pid, exit } = await npmStart();

    process.kill(pid, 'SIGTERM');

    const { code, lines, stderr } = await exit;
    expect(code, stderr).toBe(0);
    expect(lines).toContain('SIGTERM: stopping');
    await expectReleased();
  }, 30_000);

  it('stops cleanly on Ctrl-C (SIGINT to the whole process group), which npm passes on a second time', async () => {
    const { pid, exit } = await npmStart();

    process.kill(-pid, 'SIGINT');

    const { code, lines, stderr } = await exit;
    expect(code, stderr).toBe(0);
    expect(lines).toContain('SIGINT: stopping');
    expect(stderr).not.toContain('again');
    await expectReleased();
  }, 30_000);
});
