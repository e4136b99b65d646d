import { describe, expect, it } from 'vitest';
import { type OpsArgs, parseOpsArgs, parseTime, UsageError } from '#local/ops/args.ts';
import { EXIT, runOps } from '#local/ops/main.ts';

const NOW = new Date('2026-11-23T12:00:00.000Z');

describe('parseTime (--since, --until)', () => {
  it.each([
    ['30s', '2026-11-23T11:59:30.000Z'],
    ['15m', '2026-11-23T11:45:00.000Z'],
    ['24h', '2026-11-22T12:00:00.000Z'],
    ['7d', '2026-11-16T12:00:00.000Z'],
    ['0h', '2026-11-23T12:00:00.000Z'],
    ['2026-11-20T08:30:00Z', '2026-11-20T08:30:00.000Z'],
    ['2026-11-20T08:30:00.5+02:00', '2026-11-20T06:30:00.500Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
  ])('%s → %s', (value, iso) => {
    expect(parseTime('--since', value, NOW)).toBe(iso);
  });

  it.each(['24', 'h', '1w', '-1h', '1.5h', 'yesterday', '2026-13-01', '11/20/2026', ''])(
    'refuses %j',
    (value) => {
      expect(() => parseTime('--since', value, NOW)).toThrow(UsageError);
      expect(() => parseTime('--since', value, NOW)).toThrow(`--since ${value}: expected a duration`);
    },
  );
});

describe('parseOpsArgs', () => {
  const parse = (...argv: string[]) => parseOpsArgs(argv, NOW);
  const command = (...argv: string[]) => (parse(...argv) as OpsArgs).command;

  it('reads list with its filters, a status in any case, the durations relative to now', () => {
    expect(
      parse('list', '--status', 'dead', '--flow', 'wms-delivery', '--since', '24h', '--until', '1h', '--all'),
    ).toEqual({
      command: {
        name: 'list',
        status: 'DEAD',
        flow: 'wms-delivery',
        since: '2026-11-22T12:00:00.000Z',
        until: '2026-11-23T11:00:00.000Z',
        limit: undefined,
        cursor: undefined,
        all: true,
      },
      json: false,
      target: { url: undefined, stack: undefined, sign: false, region: undefined },
    });
  });

  it('tells the bulk replay from the single one', () => {
    expect(command('replay', '--status', 'FAILED', '--limit', '100')).toEqual({
      name: 'replay-bulk',
      status: 'FAILED',
      flow: undefined,
      since: undefined,
      until: undefined,
      limit: 100,
    });
    expect(command('replay', 'op_1')).toEqual({ name: 'replay', operationId: 'op_1' });
  });

  it('reads orders, untrack, show, status and sellers, and the target options', () => {
    expect(command('orders', '--parked', '--status', '3', '--json')).toEqual({
      name: 'orders',
      status: '3',
      parked: true,
      limit: undefined,
      cursor: undefined,
      all: false,
    });
    expect(command('untrack', 'BP1')).toEqual({ name: 'untrack', logisticsOrderId: 'BP1' });
    expect(command('show', 'op_1')).toEqual({ name: 'show', operationId: 'op_1' });
    expect(parse('status', '--stack', 'TopWebhooks-prod', '--region', 'eu-west-1')).toEqual({
      command: { name: 'status' },
      json: false,
      target: { url: undefined, stack: 'TopWebhooks-prod', sign: false, region: 'eu-west-1' },
    });
    expect(parse('sellers', '--url', 'https://ops.example.com/api', '--sign', '--json')).toMatchObject({
      json: true,
      target: { url: 'https://ops.example.com/api', sign: true },
    });
    expect(parse('--help')).toBe('help');
    expect(parse('list', '-h')).toBe('help');
  });
});

describe('npm run ops: usage errors exit 2 with the usage', () => {
  it.each([
    { argv: [], problem: 'expected a command' },
    { argv: ['delete'], problem: 'unknown command delete' },
    { argv: ['list'], problem: '--status is required' },
    { argv: ['list', '--status', 'LOST'], problem: '--status LOST: expected one of IN_PROGRESS, SUCCEEDED' },
    {
      argv: ['list', '--status', 'DEAD', '--flow', 'erp'],
      problem: '--flow erp: expected one of wms-delivery',
    },
    { argv: ['list', '--status', 'DEAD', '--since', 'yesterday'], problem: '--since yesterday: expected' },
    { argv: ['list', '--status', 'DEAD', '--since', '1h', '--until', '2h'], problem: '--since 1h is after' },
    { argv: ['list', '--status', 'DEAD', '--limit', '0'], problem: '--limit 0: expected a whole number' },
    { argv: ['list', '--status', 'DEAD', '--limit', '5x'], problem: '--limit 5x: expected a whole number' },
    { argv: ['list', '--status', 'DEAD', '--parked'], problem: '--parked does not apply to list' },
    { argv: ['list', '--status', 'DEAD', 'op_1'], problem: 'unexpected argument op_1' },
    { argv: ['replay'], problem: 'replay needs an operation id or --status DEAD|FAILED' },
    { argv: ['replay', 'op_1', '--status', 'DEAD'], problem: 'not both' },
    { argv: ['replay', '--status', 'SUCCEEDED'], problem: 'replay --status must be DEAD or FAILED' },
    { argv: ['replay', '--status', 'DEAD', '--limit', '101'], problem: 'replay --limit is at most 100' },
    { argv: ['replay', '--flow', 'wms-delivery'], problem: '--status is required' },
    { argv: ['replay', '--status', 'DEAD', '--all'], problem: '--all does not apply to replay' },
    { argv: ['show'], problem: 'show needs an id' },
    { argv: ['show', 'op_1', 'op_2'], problem: 'unexpected argument op_2' },
    { argv: ['untrack'], problem: 'untrack needs an id' },
    { argv: ['untrack', ' '], problem: 'logistics order id must not be empty' },
    { argv: ['status', '--status', 'DEAD'], problem: '--status does not apply to status' },
    { argv: ['sellers', '--verbose'], problem: "Unknown option '--verbose'" },
    { argv: ['status', '--url'], problem: "Option '--url <value>' argument missing" },
    { argv: ['status', '--url', 'localhost:3000'], problem: '--url localhost:3000 is not an http(s) URL' },
    { argv: ['status', '--url', 'http://x', '--stack', 's'], problem: '--url and --stack go alone' },
    { argv: ['status', '--region', 'Europe'], problem: '--region Europe is not a region name' },
  ])('$problem', async ({ argv, problem }) => {
    const out: string[] = [];
    const err: string[] = [];

    const code = await runOps(argv, {
      env: {},
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });

    expect(code).toBe(EXIT.usage);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(problem);
    expect(err[0]).toContain('usage: npm run ops -- <command> [options]');
  });

  it('prints the usage for --help and exits 0', async () => {
    const out: string[] = [];

    const code = await runOps(['--help'], { env: {}, out: (line) => out.push(line), err: () => {} });

    expect(code).toBe(EXIT.ok);
    expect(out.join('\n')).toContain('usage: npm run ops');
    expect(out.join('\n')).toContain('--stack <name>');
  });
});
