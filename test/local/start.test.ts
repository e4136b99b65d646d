import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSend } from '#local/send.ts';
import { type LocalStackProcess, startLocalStack } from '#test/helpers/local-stack.ts';

const CONTROL = /^ {2}control {6}(http:\/\/127\.0\.0\.1:\d+)\/_sim\//;

let dataDir: string;
const started: LocalStackProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-start-'));
});

afterEach(async () => {
  for (const stack of started.splice(0)) await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<LocalStackProcess> {
  const stack = await startLocalStack({ dataDir });
  started.push(stack);
  return stack;
}

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
