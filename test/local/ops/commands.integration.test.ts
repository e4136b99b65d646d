import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runOps } from '#local/ops/main.ts';
import { runSend } from '#local/send.ts';
import { type LocalStackProcess, startLocalStack } from '#test/helpers/local-stack.ts';

// `npm run ops` against `npm start` (a child process on free ports, its own data folder): one
// delivered WMS event, one tracked logistics order and one authorized seller, then each command.
// One stack for the file: each start costs a process; the tests read what the others leave alone,
// and the one that untracks runs last.

const ORDER = 'BP10000000018002';
const SELLER = 'ops-shop';

let dataDir: string;
let stack: LocalStackProcess;
let operationId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-ops-'));
  // TOP_SIM_PORT 0: the simulator on a free port too, whatever its default.
  stack = await startLocalStack({ dataDir, env: { TOP_SIM_PORT: '0' }, timeoutMs: 60_000 });
  operationId = await send('wms', 'examples/wms-delivery-order.json', 'msg_local_ops_1');
  await send('tracking', 'examples/tracking-logistics-order.json', 'msg_local_ops_2');
  await authorize(SELLER);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Posts an example through `npm run send`; the operation id of the answer, if any. */
async function send(source: string, file: string, id: string): Promise<string> {
  const out: string[] = [];
  const code = await runSend([source, file, '--url', stack.url, '--id', id], {
    env: {},
    out: (line) => out.push(line),
    err: (line) => out.push(line),
  });
  expect(code, out.join('\n')).toBe(0);
  return /"operation_id":\s*"(op_[A-Za-z0-9_-]+)"/.exec(out.join('\n'))?.[1] ?? '';
}

/** The operator's link, the seller's consent on the simulator, the callback: the seller is ACTIVE. */
async function authorize(sellerId: string): Promise<void> {
  const link = await fetch(`${stack.url}/sellers/${sellerId}/authorize`, { redirect: 'manual' });
  expect(link.status).toBe(302);
  const consent = new URL(link.headers.get('location') ?? '');
  const consented = await fetch(`${consent.href}&sim_seller=${sellerId}-nick`, { redirect: 'manual' });
  expect(consented.status).toBe(302);
  const callback = await fetch(consented.headers.get('location') ?? '');
  expect(callback.status).toBe(200);
  await callback.text();
}

async function ops(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOps([...argv, '--url', stack.url], {
    env: {},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err, json: () => JSON.parse(out.join('\n')) as Record<string, unknown> };
}

/** The row of a table whose first cell is `id`. */
const rowOf = (lines: readonly string[], id: string) => lines.find((line) => line.split(/\s+/)[0] === id);

describe('npm run ops against npm start', () => {
  it('show <id>: the operation a field a line; --json the view', async () => {
    const shown = await ops('show', operationId);
    const json = await ops('show', operationId, '--json');

    expect(operationId).toMatch(/^op_/);
    expect(shown.code, shown.err.join('\n')).toBe(EXIT.ok);
    expect(shown.out).toContain(`operation_id    ${operationId}`);
    expect(shown.out).toContainEqual(expect.stringMatching(/^status +SUCCEEDED$/));
    expect(shown.out).toContainEqual(
      expect.stringMatching(/^request +tmall\.ovs\.delivery\.order\.info\.send$/),
    );
    expect(json.json()).toMatchObject({
      operation_id: operationId,
      flow: 'wms-delivery',
      status: 'SUCCEEDED',
    });
  });

  it('show and replay of unknown or unreplayable operations exit 1 with the problem', async () => {
    const missing = await ops('show', 'op_AAAAAAAAAAAAAAAAAAAAAAAAAA');
    const succeeded = await ops('replay', operationId);

    expect([missing.code, missing.out]).toEqual([EXIT.failed, []]);
    expect(missing.err[0]).toMatch(/^404 /);
    expect([succeeded.code, succeeded.out]).toEqual([EXIT.failed, []]);
    expect(succeeded.err[0]).toMatch(/^409 .*SUCCEEDED/);
  });

  it('sellers: the authorized seller, ACTIVE; --json the list', async () => {
    const table = await ops('sellers');
    const json = await ops('sellers', '--json');

    expect(table.code, table.err.join('\n')).toBe(EXIT.ok);
    expect(table.out[0]).toMatch(/^SELLER +PLATFORM SELLER +STATUS +AUTHORIZED/);
    expect(rowOf(table.out, SELLER)).toMatch(new RegExp(`^${SELLER} +\\S+ +ACTIVE `));
    expect(json.json().items).toContainEqual(
      expect.objectContaining({ seller_id: SELLER, status: 'ACTIVE' }),
    );
  });

  it('status: no ban, the operations per status, nothing parked; --json the answer', async () => {
    const table = await ops('status');
    const json = await ops('status', '--json');

    expect(table.code, table.err.join('\n')).toBe(EXIT.ok);
    expect(table.out.slice(0, 2)).toEqual(['ban     none', 'parked  0 sellers, 0 orders']);
    expect(rowOf(table.out, 'SUCCEEDED')).toMatch(/^SUCCEEDED +[1-9]\d*$/);
    expect(json.json()).toMatchObject({
      ban: { until: null },
      operations: { SUCCEEDED: expect.any(Number) },
      parked: { sellers: 0, orders: 0 },
    });
  });

  it('list --status SUCCEEDED: the delivered operation; --json and --all --json parse', async () => {
    const table = await ops('list', '--status', 'SUCCEEDED', '--since', '1h');
    const json = await ops('list', '--status', 'SUCCEEDED', '--json');
    const all = await ops('list', '--status', 'succeeded', '--all', '--limit', '1', '--json');

    expect(table.code, table.err.join('\n')).toBe(EXIT.ok);
    expect(table.out[0]).toMatch(/^OPERATION +FLOW +STATUS +ATTEMPTS +CREATED +UPDATED +LAST ERROR$/);
    expect(rowOf(table.out, operationId)).toMatch(/^op_\S+ +wms-delivery +SUCCEEDED +1 +\d{2}-\d{2} /);
    expect(json.json()).toMatchObject({ items: [expect.objectContaining({ operation_id: operationId })] });
    expect(all.code, all.err.join('\n')).toBe(EXIT.ok);
    expect(all.json()).toEqual({
      items: [expect.objectContaining({ operation_id: operationId, status: 'SUCCEEDED' })],
      next_cursor: null,
    });
  });

  it('list --status DEAD: an empty table; --json an empty page', async () => {
    const table = await ops('list', '--status', 'DEAD');
    const json = await ops('list', '--status', 'DEAD', '--json');

    expect(table.code, table.err.join('\n')).toBe(EXIT.ok);
    expect(table.out).toEqual([
      'OPERATION  FLOW  STATUS  ATTEMPTS  CREATED  UPDATED  LAST ERROR',
      '(no operations)',
    ]);
    expect(json.json()).toEqual({ items: [], next_cursor: null });
  });

  it('replay --status DEAD: nothing to replay', async () => {
    const table = await ops('replay', '--status', 'DEAD', '--since', '24h');
    const json = await ops('replay', '--status', 'DEAD', '--json');

    expect(table.code, table.err.join('\n')).toBe(EXIT.ok);
    expect(table.out).toEqual(['replayed 0, skipped 0']);
    expect(json.json()).toMatchObject({ replayed: 0, skipped: 0, operation_ids: [] });
  });

  it('orders shows the tracked order; untrack <id>, and orders no longer has it', async () => {
    const before = await ops('orders');
    const json = await ops('orders', '--json');
    const untracked = await ops('untrack', ORDER);
    const after = await ops('orders');
    const shown = await ops('orders', '--json');

    expect(before.code, before.err.join('\n')).toBe(EXIT.ok);
    expect(before.out[0]).toMatch(/^LOGISTICS ORDER +SELLER +STATUS +REFRESHED +NEXT REFRESH +PARKED/);
    expect(rowOf(before.out, ORDER)).toMatch(new RegExp(`^${ORDER} +shop-1 `));
    expect(json.json().items).toContainEqual(
      expect.objectContaining({ logistics_order_id: ORDER, seller_id: 'shop-1' }),
    );
    expect([untracked.code, untracked.out]).toEqual([EXIT.ok, [`untracked ${ORDER}`]]);
    expect(after.code, after.err.join('\n')).toBe(EXIT.ok);
    expect(rowOf(after.out, ORDER)).toBeUndefined();
    expect(shown.json().items).not.toContainEqual(expect.objectContaining({ logistics_order_id: ORDER }));
  });
});
