import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { EXIT, runOps } from '#local/ops/main.ts';

// Each command's request and what it prints, against a fake API (a fetch answering from a table):
// the paging of --all, the JSON of --json, and the error answers. The real routes are exercised in
// commands.integration.test.ts.

interface Call {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
}
type Answer = { status: number; body?: unknown; text?: string; contentType?: string };

let calls: Call[] = [];
let answer: (call: Call) => Answer;

const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(String(input));
  const call: Call = {
    method: init?.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
  };
  calls.push(call);
  const { status, body, text, contentType = 'application/json' } = answer(call);
  return new Response(text ?? (body === undefined ? null : JSON.stringify(body)), {
    status,
    headers: { 'content-type': contentType },
  });
}) as typeof fetch;

beforeEach(() => {
  calls = [];
  answer = () => ({ status: 200, body: {} });
});

const NOW = new Date('2026-11-23T12:00:00.000Z');

async function ops(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOps(argv, {
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    fetch: fakeFetch,
    now: () => NOW,
  });
  return { code, out, err };
}

const op = (n: number) => ({
  operation_id: `op_${n}`,
  flow: 'wms-delivery',
  status: 'DEAD',
  attempts: 8,
  created_at: '2026-11-23T10:00:00.000Z',
  updated_at: '2026-11-23T11:00:00.000Z',
  last_error: null,
});

describe('list', () => {
  it('asks for one page with the filters, durations as ISO times, and hints at the next page', async () => {
    answer = () => ({ status: 200, body: { items: [op(1)], next_cursor: 'c2' } });

    const { code, out } = await ops(['list', '--status', 'DEAD', '--since', '24h', '--limit', '1']);

    expect(code).toBe(EXIT.ok);
    expect(calls).toEqual([
      {
        method: 'GET',
        path: '/operations',
        query: { status: 'DEAD', since: '2026-11-22T12:00:00.000Z', limit: '1' },
        body: undefined,
      },
    ]);
    expect(out).toEqual([
      'OPERATION  FLOW          STATUS  ATTEMPTS  CREATED         UPDATED         LAST ERROR',
      'op_1       wms-delivery  DEAD    8         11-23 10:00:00  11-23 11:00:00  -',
      '(more: --cursor c2, or --all)',
    ]);
  });

  it('--all pages through next_cursor into one table; --json into one document', async () => {
    const pages: Record<string, { items: unknown[]; next_cursor: string | null }> = {
      '': { items: [op(1), op(2)], next_cursor: 'c2' },
      c2: { items: [op(3)], next_cursor: 'c3' },
      c3: { items: [], next_cursor: null },
    };
    answer = (call) => ({ status: 200, body: pages[call.query.cursor ?? ''] });

    const table = await ops(['list', '--status', 'DEAD', '--all', '--limit', '2']);
    const json = await ops(['list', '--status', 'DEAD', '--all', '--json']);

    expect(calls.map((call) => call.query)).toEqual([
      { status: 'DEAD', limit: '2' },
      { status: 'DEAD', limit: '2', cursor: 'c2' },
      { status: 'DEAD', limit: '2', cursor: 'c3' },
      { status: 'DEAD' },
      { status: 'DEAD', cursor: 'c2' },
      { status: 'DEAD', cursor: 'c3' },
    ]);
    expect(table.out.slice(1).map((line) => line.split(' ')[0])).toEqual(['op_1', 'op_2', 'op_3']);
    expect(JSON.parse(json.out.join('\n'))).toEqual({ items: [op(1), op(2), op(3)], next_cursor: null });
  });

  it('--all stops with exit 1 when the API hands the same cursor again', async () => {
    answer = () => ({ status: 200, body: { items: [op(1)], next_cursor: 'same' } });

    const { code, err } = await ops(['list', '--status', 'DEAD', '--all']);

    expect(code).toBe(EXIT.failed);
    expect(calls).toHaveLength(2);
    expect(err).toEqual(['GET /operations: the API gave the cursor same twice; stopped paging']);
  });

  it('--json prints the answer as it came', async () => {
    const page = { items: [op(1)], next_cursor: 'c2' };
    answer = () => ({ status: 200, body: page });

    const { out } = await ops(['list', '--status', 'dead', '--json']);

    expect(JSON.parse(out.join('\n'))).toEqual(page);
  });
});

describe('the other commands', () => {
  it('replay --status posts the filters to the bulk route', async () => {
    answer = () => ({ status: 200, body: { replayed: 2, skipped: 0, operation_ids: ['op_1', 'op_2'] } });

    const { code, out } = await ops([
      'replay',
      '--status',
      'DEAD',
      '--flow',
      'wms-delivery',
      '--since',
      '1h',
    ]);

    expect(code).toBe(EXIT.ok);
    expect(calls).toEqual([
      {
        method: 'POST',
        path: '/operations/replay',
        query: {},
        body: { status: 'DEAD', flow: 'wms-delivery', since: '2026-11-23T11:00:00.000Z' },
      },
    ]);
    expect(out).toEqual(['replayed 2, skipped 0', 'op_1', 'op_2']);
  });

  it('replay <id> posts to the operation; a replay TOP rejects exits 1 with the problem', async () => {
    answer = () => ({
      status: 422,
      contentType: 'application/problem+json',
      body: {
        type: 'urn:top-webhooks:problem:top-rejected',
        title: 'TOP rejected the request',
        status: 422,
        detail: 'The ticket does not exist',
        operation_id: 'op_1',
      },
    });

    const { code, out, err } = await ops(['replay', 'op_1']);

    expect(calls.map(({ method, path }) => `${method} ${path}`)).toEqual(['POST /operations/op_1/replay']);
    expect(code).toBe(EXIT.failed);
    expect(out).toEqual([]);
    expect(err).toEqual(['422 TOP rejected the request: The ticket does not exist', '  operation op_1']);
  });

  it('orders passes --status and --parked; untrack deletes and says so', async () => {
    answer = (call) =>
      call.method === 'DELETE' ? { status: 204 } : { status: 200, body: { items: [], next_cursor: null } };

    const orders = await ops(['orders', '--status', '3', '--parked']);
    const untracked = await ops(['untrack', 'BP 1']);
    const quiet = await ops(['untrack', 'BP1', '--json']);

    expect(calls.map(({ method, path, query }) => [method, path, query])).toEqual([
      ['GET', '/logistics-orders', { status: '3', parked: 'true' }],
      ['DELETE', '/logistics-orders/BP%201', {}],
      ['DELETE', '/logistics-orders/BP1', {}],
    ]);
    expect(orders.out).toEqual([
      'LOGISTICS ORDER  SELLER  STATUS  REFRESHED  NEXT REFRESH  PARKED  FINISHED  LAST ERROR',
      '(no logistics orders)',
    ]);
    expect([untracked.code, untracked.out]).toEqual([EXIT.ok, ['untracked BP 1']]);
    expect([quiet.code, quiet.out]).toEqual([EXIT.ok, []]);
  });

  it('status, sellers and show read their routes', async () => {
    answer = (call) => ({
      status: 200,
      body:
        call.path === '/status'
          ? { ban: { until: null }, operations: { DEAD: 1 }, parked: { sellers: 1, orders: 4 } }
          : call.path === '/sellers'
            ? { items: [] }
            : op(1),
    });

    const status = await ops(['status']);
    const sellers = await ops(['sellers']);
    const show = await ops(['show', 'op_1']);

    expect(calls.map(({ path }) => path)).toEqual(['/status', '/sellers', '/operations/op_1']);
    expect(status.out).toEqual([
      'ban     none',
      'parked  1 sellers, 4 orders',
      '',
      'STATUS  OPERATIONS',
      'DEAD    1',
    ]);
    expect(sellers.out.at(-1)).toBe('(no sellers)');
    expect(show.out[0]).toBe('operation_id  op_1');
  });

  it('a validation problem prints each broken rule', async () => {
    answer = () => ({
      status: 400,
      contentType: 'application/problem+json',
      body: {
        type: 'urn:top-webhooks:problem:invalid-request',
        title: 'Invalid request',
        status: 400,
        errors: [{ path: 'since', message: 'must be an ISO 8601 time' }],
      },
    });

    const { code, err } = await ops(['list', '--status', 'DEAD']);

    expect(code).toBe(EXIT.failed);
    expect(err).toEqual(['400 Invalid request', '  since: must be an ISO 8601 time']);
  });

  it('an answer that is not JSON exits 1 with its start', async () => {
    answer = () => ({ status: 502, text: '<html>upstream</html>', contentType: 'text/html' });

    const { code, err } = await ops(['status']);

    expect(code).toBe(EXIT.failed);
    expect(err).toEqual(['502 Bad Gateway: <html>upstream</html>']);
  });
});

describe('the target', () => {
  it('is the local stack at 127.0.0.1:$PORT by default, unsigned', async () => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const recording = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push({ url: String(input), headers: init?.headers as Record<string, string> });
      return Response.json({ items: [] });
    }) as typeof fetch;

    await runOps(['sellers'], { env: { PORT: '3111' }, out: () => {}, err: () => {}, fetch: recording });
    await runOps(['sellers'], { env: {}, out: () => {}, err: () => {}, fetch: recording });

    expect(seen.map(({ url }) => url)).toEqual([
      'http://127.0.0.1:3111/sellers',
      'http://127.0.0.1:3000/sellers',
    ]);
    expect(seen[0]?.headers).not.toHaveProperty('authorization');
  });

  it('joins paths under the path of --url', async () => {
    const { code } = await ops(['status', '--url', 'http://127.0.0.1:3111/stage/']);

    expect(code).toBe(EXIT.ok);
    expect(calls.map(({ path }) => path)).toEqual(['/stage/status']);
  });

  it('exits 1 on a PORT it cannot use, naming it', async () => {
    const { code, err } = await ops(['status'], { PORT: 'eighty' });

    expect(code).toBe(EXIT.failed);
    expect(err).toEqual([expect.stringContaining('PORT must be a port number')]);
  });

  it('exits 1 when nothing listens, asking whether the stack runs', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const err: string[] = [];

    const code = await runOps(['status'], {
      env: { PORT: String(port) },
      out: () => {},
      err: (l) => err.push(l),
    });

    expect(code).toBe(EXIT.failed);
    expect(err).toEqual([
      `cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (is npm start running?)`,
    ]);
  });
});

describe('local/ops/main.ts as a command', () => {
  const run = (argv: string[], env: Record<string, string> = {}) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/ops/main.ts', ...argv], {
      env: { ...process.env, ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );

  it('exits 0 for --help, 2 for bad usage, 1 when the API cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const [help, usage, unreachable] = await Promise.all([
      run(['--help']),
      run(['list']),
      run(['status'], { PORT: String(port) }),
    ]);

    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('usage: npm run ops')]);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('--status is required')]);
    expect([unreachable.code, unreachable.stderr]).toEqual([1, expect.stringContaining('ECONNREFUSED')]);
  }, 60_000);
});
