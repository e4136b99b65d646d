import { afterEach, describe, expect, it } from 'vitest';
import { ContainerBanClock } from '#lib/operations/ban-clock.ts';
import { CallPacer } from '#lib/tracking/pacer.ts';
import type { RefreshMessage } from '#lib/tracking/ports.ts';
import { refreshOrder } from '#lib/tracking/refresh.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { type TrackingHarness, trackingHarness } from '#test/helpers/tracking-harness.ts';
import { captureStderr, loudTelemetry } from '#test/helpers/webhook-harness.ts';

/** TOP's rate-limit error, met once: every call is banned for 10 seconds. */
const BAN_FOR_10_SECONDS = {
  type: 'error',
  code: 7,
  msg: 'App Call Limited',
  sub_msg: 'This ban will last for 10 more seconds',
  count: 1,
} as const;

// Statuses move only when a test advances them.
const parts = useTestParts({ statusStepMs: 1_000_000_000 });
let stack: TrackingHarness | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const queries = () =>
  parts.sim.ledger.filter((entry) => entry.method === 'aliexpress.local.logistics.order.info.query').length;
const advance = (id: string) => parts.sim.state.advanceLogisticsOrder(id, Date.now());
const INTERVAL = 60_000;

describe('tracking a logistics order', () => {
  it('starts with 201, and answers 200 with the order as it stands when asked again', async () => {
    stack = await trackingHarness(parts);
    const first = await stack.track({ seller_id: 'shop-1', logistics_order_id: 'BP100' });
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe('/logistics-orders/BP100');
    const again = await stack.track({ logistics_order_id: 'BP100' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ logistics_order_id: 'BP100', seller_id: 'shop-1' });
  });

  it('refuses an unsigned request, an invalid body and an unknown seller', async () => {
    stack = await trackingHarness(parts);
    expect((await stack.track({ logistics_order_id: 'BP1' }, null)).status).toBe(401);
    const invalid = await stack.track({ logistics_order_id: 100 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toContainEqual(expect.objectContaining({ path: 'logistics_order_id' }));
    expect((await stack.track({ seller_id: 'shop-9', logistics_order_id: 'BP1' })).status).toBe(422);
    expect((await stack.view('BP1')).status).toBe(404);
  });

  it('answers 400 naming logistics_order_id when it is too long to be tracked, and 404 to a view of it', async () => {
    stack = await trackingHarness(parts);
    const id = `BP${'1'.repeat(2_100)}`;
    const refused = await stack.track({ logistics_order_id: id });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: 'logistics_order_id', message: 'must be at most 128 characters' },
    ]);
    expect((await stack.view(id)).status).toBe(404);
  });
});

describe('refreshing tracked orders', () => {
  it('follows the order to DELIVERED: snapshot, history and one event per transition, then stops', async () => {
    stack = await trackingHarness(parts);
    await stack.track({ logistics_order_id: 'BP200' });
    expect(await stack.round()).toMatchObject({ dispatched: 1 });
    let view = await stack.view('BP200');
    expect(view.body).toMatchObject({ status: '1', history: [{ status: '1' }], last_error: null });
    expect(view.body.snapshot).toMatchObject({ logistics_order_id: 'BP200', status: '1' });

    for (const expected of ['2', '3', '4', '6']) {
      advance('BP200');
      stack.clock.now += INTERVAL;
      await stack.round();
      view = await stack.view('BP200');
      expect(view.body.status).toBe(expected);
    }
    expect((view.body.history as { status: string }[]).map((change) => change.status)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '6',
    ]);
    expect(view.body.finished_at).toEqual(expect.any(String));
    const events = stack.events.list({ logistics_order_id: 'BP200' }).events.map((event) => event.detail);
    expect(events.map((event) => [event.from, event.to])).toEqual([
      [undefined, '1'],
      ['1', '2'],
      ['2', '3'],
      ['3', '4'],
      ['4', '6'],
    ]);
    // Finished: never dispatched again.
    const calls = queries();
    stack.clock.now += 100 * INTERVAL;
    expect(await stack.round()).toMatchObject({ dispatched: 0 });
    expect(queries()).toBe(calls);
  });

  it('refreshes an order that does not change less and less often', async () => {
    stack = await trackingHarness(parts);
    await stack.track({ logistics_order_id: 'BP300' });
    await stack.round();
    const gaps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const next = Date.parse(String((await stack.view('BP300')).body.next_refresh_at));
      gaps.push(next - stack.clock.now);
      stack.clock.now = next;
      await stack.round();
    }
    expect(gaps).toEqual([INTERVAL, 2 * INTERVAL, 4 * INTERVAL]);
    expect(stack.events.list({ logistics_order_id: 'BP300' }).events).toHaveLength(1);
  });

  it('never sends one order twice in a round, however many dispatchers overlap', async () => {
    stack = await trackingHarness(parts);
    for (let i = 0; i < 30; i++)
      await stack.track({ logistics_order_id: `BP4${String(i).padStart(2, '0')}` });
    const before = queries();
    const reports = await Promise.all([stack.round(), stack.round(), stack.round()]);
    expect(reports.reduce((sum, report) => sum + report.dispatched, 0)).toBe(30);
    expect(queries() - before).toBe(30);
  });

  it('sends each ten due orders to the workers as soon as they are claimed, as one message batch', async () => {
    stack = await trackingHarness(parts);
    for (let i = 0; i < 25; i++)
      await stack.track({ logistics_order_id: `BP45${String(i).padStart(2, '0')}` });
    const sent: number[] = [];

    const report = await stack.dispatchTo({ send: async (batch) => void sent.push(batch.length) });

    expect(report).toMatchObject({ dispatched: 25 });
    expect(sent.filter((size) => size > 0)).toEqual([10, 10, 5]);
  });

  it('refreshes in the next round the orders of a worker that died before taking them', async () => {
    stack = await trackingHarness(parts);
    for (let i = 0; i < 5; i++) await stack.track({ logistics_order_id: `BP5${i}` });
    const lost: RefreshMessage[] = [];
    // The messages reach a worker that dies: nothing is refreshed, nothing is acknowledged.
    expect(await stack.dispatchTo({ send: async (messages) => void lost.push(...messages) })).toMatchObject({
      dispatched: 5,
    });
    expect(await stack.round()).toMatchObject({ dispatched: 0 });
    stack.clock.now += 120_001;
    expect(await stack.round()).toMatchObject({ dispatched: 5 });
    for (let i = 0; i < 5; i++) expect((await stack.view(`BP5${i}`)).body.status).toBe('1');
    // A late copy of an old message changes nothing.
    const [old] = lost;
    if (old) await stack.queue.send([JSON.stringify(old)]);
    await stack.queue.drained();
    expect((await stack.view('BP50')).body.history).toHaveLength(1);
  });

  it('keeps a failed order and tries it again later, never dropping it', async () => {
    stack = await trackingHarness(parts);
    await stack.track({ logistics_order_id: 'BP600' });
    parts.sim.faults.set([{ type: 'isp', count: 1 }]);
    await stack.round();
    const failed = await stack.view('BP600');
    expect(failed.body).toMatchObject({ last_error: { kind: 'transient' } });
    expect(failed.body.status).toBeUndefined();
    stack.clock.now += INTERVAL;
    await stack.round();
    expect((await stack.view('BP600')).body).toMatchObject({ status: '1', last_error: null });
  });

  it("reads the shared ban before an order's turn at the pacer, never between its turn and its call", async () => {
    stack = await trackingHarness(parts);
    await stack.track({ logistics_order_id: 'BP800' });
    const messages: RefreshMessage[] = [];
    await stack.dispatchTo({ send: async (batch) => void messages.push(...batch) });
    const steps: string[] = [];
    // A read of the shared record may take a while: a call whose turn came must not wait for it.
    const ban = new ContainerBanClock({
      until: async () => {
        steps.push('ban read');
        return 0;
      },
      extend: async () => {},
    });
    const pacer = new CallPacer(1_000);
    const take = pacer.take.bind(pacer);
    pacer.take = async () => {
      await take();
      steps.push('turn');
    };
    const before = queries();

    const outcome = await refreshOrder(refreshDeps(stack), messages[0] as RefreshMessage, {
      deadlineMs: 2_000,
      ban,
      pacer,
    });

    expect(outcome).toBe('changed');
    expect(steps).toEqual(['ban read', 'turn']);
    expect(queries() - before).toBe(1);
  });

  it('stops the calls of orders whose turn comes after one met a ban, before the shared record says so', async () => {
    stack = await trackingHarness(parts);
    for (const id of ['BP810', 'BP811']) await stack.track({ logistics_order_id: id });
    const messages: RefreshMessage[] = [];
    await stack.dispatchTo({ send: async (batch) => void messages.push(...batch) });
    // The shared record has not caught up yet: only what this container met tells of the ban.
    const ban = new ContainerBanClock({ until: async () => 0, extend: async () => {} });
    parts.sim.faults.set([BAN_FOR_10_SECONDS]);
    const before = parts.sim.stats().calls;
    const options = { deadlineMs: 2_000, ban, pacer: new CallPacer(1_000) };

    const outcomes = [];
    for (const message of messages) outcomes.push(await refreshOrder(refreshDeps(stack), message, options));

    expect(outcomes).toEqual(['banned', 'banned']);
    expect(parts.sim.stats().calls - before).toBe(1);
  });

  it('refreshes each order of a batch on its own when reading the batch at once fails, and says so', async () => {
    const { logger, metrics } = loudTelemetry('refresh-batch-read-test');
    stack = await trackingHarness(parts, { overrides: { logger, metrics } });
    const ids = Array.from({ length: 12 }, (_, i) => `BP82${String(i).padStart(2, '0')}`);
    for (const id of ids) await stack.track({ logistics_order_id: id });
    stack.runtime.tracking.getMany = async () => {
      throw new Error('DynamoDB is unavailable');
    };

    const capture = captureStderr();
    try {
      expect(await stack.round()).toMatchObject({ dispatched: ids.length });
    } finally {
      capture.restore();
    }

    for (const id of ids) expect((await stack.view(id)).body.status).toBe('1');
    const warnings = capture
      .lines()
      .filter((line) => line.includes('"service":"refresh-batch-read-test"'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.level === 'WARN');
    // One line a batch: how the queue splits the 12 messages is its own affair.
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) {
      expect(warning).toMatchObject({
        message: 'reading the batch’s orders at once failed; each order is read on its own',
        error: { message: 'DynamoDB is unavailable' },
      });
    }
  });

  it('waits out a rate-limit ban shared with the webhooks, without calling TOP during it', async () => {
    stack = await trackingHarness(parts, { env: { REFRESH_CONCURRENCY: '1' }, queue: { maxConcurrency: 1 } });
    for (let i = 0; i < 20; i++)
      await stack.track({ logistics_order_id: `BP7${String(i).padStart(2, '0')}` });
    parts.sim.faults.set([BAN_FOR_10_SECONDS]);
    const before = parts.sim.stats().calls;
    await stack.round();
    // One call met the ban; nobody called again during it.
    expect(parts.sim.stats().calls - before).toBe(1);
    expect(await stack.round()).toMatchObject({ banned: true, dispatched: 0 });
    stack.clock.now += 11_000;
    await stack.round();
    for (let i = 0; i < 20; i++) {
      expect((await stack.view(`BP7${String(i).padStart(2, '0')}`)).body.status).toBe('1');
    }
  });
});

/** What `refreshOrder` needs, from the harness's runtime. */
const refreshDeps = (harness: TrackingHarness) => ({
  ...harness.runtime,
  events: harness.events.publisher,
  schedule: harness.runtime.trackingConfig.schedule,
});
