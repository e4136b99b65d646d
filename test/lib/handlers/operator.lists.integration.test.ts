import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CursorSigner } from '#lib/http/cursor.ts';
import type { Operation } from '#lib/operations/operation.ts';
import { indexTime } from '#lib/operations/table.ts';
import {
  type OperatorAnswer,
  type OperatorHarness,
  operationRecord,
  operatorHarness,
} from '#test/helpers/operator-harness.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { fulfillment } from '#test/helpers/webhook-harness.ts';

const parts = useTestParts({ statusStepMs: 1_000_000_000 });
const PROBLEM = 'urn:top-webhooks:problem:';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HOUR = 3_600_000;

/** The DynamoDB Query requests made while `run` goes. */
async function countQueries<T>(run: () => Promise<T>): Promise<{ result: T; queries: number }> {
  let queries = 0;
  const name = `count-queries-${Math.random()}`;
  parts.dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') queries++;
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await run(), queries };
  } finally {
    parts.dynamo.client.middlewareStack.remove(name);
  }
}

/** The order the list gives: newest first; within one millisecond, as the index sorts them. */
const newestFirst = (operations: readonly Operation[]) =>
  [...operations]
    .sort(
      (a, b) =>
        indexTime(b.created_at, `op#${b.operation_id}`) - indexTime(a.created_at, `op#${a.operation_id}`),
    )
    .map((operation) => operation.operation_id);

const ids = (answer: OperatorAnswer) =>
  (answer.body.items as { operation_id: string }[]).map((item) => item.operation_id);

describe('GET /operations', () => {
  let stack: OperatorHarness;
  let base: number;
  // 250 DEAD operations, newest first as the list must give them; five share each millisecond.
  let dead: Operation[];

  beforeAll(async () => {
    stack = await operatorHarness(parts);
    base = stack.clock.now - 5 * HOUR;
    dead = Array.from({ length: 250 }, (_, i) =>
      operationRecord(`dead-${i}`, 'DEAD', base + Math.floor(i / 5) * 1_000, {
        flow: i % 3 === 0 ? 'storefront-fulfill' : 'wms-delivery',
      }),
    );
    for (const operation of dead) await stack.seedOperation(operation);
    // Other statuses, and a DEAD record past its TTL that DynamoDB has not deleted yet.
    await stack.seedOperation(operationRecord('failed-1', 'FAILED', base));
    await stack.seedOperation(operationRecord('succeeded-1', 'SUCCEEDED', base + 10_000));
    await stack.seedOperation(
      operationRecord('dead-expired', 'DEAD', base + 20_000, {
        expires_at: Math.floor(stack.clock.now / 1000) - 1,
      }),
    );
  });

  afterAll(() => stack.close());

  /** Every page of a query, following `next_cursor` until it is null. */
  async function allPages(query: Record<string, string>) {
    const pages: OperatorAnswer[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.call('GET /operations', { query: { ...query, ...(cursor && { cursor }) } });
      expect(page.status).toBe(200);
      pages.push(page);
      cursor = (page.body.next_cursor as string | null) ?? undefined;
    } while (cursor);
    return pages;
  }

  it('pages through 250 operations of one status: each seen once, newest first, next_cursor null at the end', async () => {
    const { result: pages, queries } = await countQueries(() => allPages({ status: 'DEAD', limit: '100' }));

    expect(pages.map((page) => (page.body.items as unknown[]).length)).toEqual([100, 100, 50]);
    expect(pages.map((page) => page.body.next_cursor === null)).toEqual([false, false, true]);
    const seen = pages.flatMap(ids);
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(new Set(dead.map((operation) => operation.operation_id)));
    expect(seen).toEqual(newestFirst(dead));
    const times = pages.flatMap((page) =>
      (page.body.items as { created_at: string }[]).map((item) => Date.parse(item.created_at)),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // One Query per page (the page and one entry more, which tells the end apart), and one more for
    // the page where the record past its TTL was filtered out and left that page one entry short.
    expect(queries).toBe(4);
  });

  it('lists 50 a page by default, each item with the summary fields only', async () => {
    const pages = await allPages({ status: 'DEAD' });

    expect(pages.map((page) => (page.body.items as unknown[]).length)).toEqual([50, 50, 50, 50, 50]);
    const [first] = (pages[0]?.body.items ?? []) as Record<string, unknown>[];
    expect(first).toEqual({
      operation_id: newestFirst(dead)[0],
      flow: expect.any(String),
      status: 'DEAD',
      attempts: 10,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      last_error: { kind: 'transient', message: 'Remote service error', code: 15 },
    });
    // Never the request (which may hold personal data) nor a key or index attribute.
    expect(pages.map((page) => page.raw).join()).not.toMatch(/ticket_id|request|list_shard|"pk"/);
  });

  it('lists only the status asked for, and leaves out a record past its TTL', async () => {
    const failed = await allPages({ status: 'FAILED' });
    const succeeded = await allPages({ status: 'SUCCEEDED' });
    const pending = await allPages({ status: 'PENDING_RETRY' });

    expect(failed.flatMap(ids)).toEqual([operationRecord('failed-1', 'FAILED', base).operation_id]);
    expect(succeeded.flatMap(ids)).toEqual([operationRecord('succeeded-1', 'SUCCEEDED', base).operation_id]);
    expect(pending.flatMap(ids)).toEqual([]);
    expect((await allPages({ status: 'DEAD' })).flatMap(ids)).not.toContain(
      operationRecord('dead-expired', 'DEAD', base).operation_id,
    );
  });

  it('filters by flow, still filling every page (the flow is a filter on the status partition)', async () => {
    const pages = await allPages({ status: 'DEAD', flow: 'storefront-fulfill', limit: '30' });

    const expected = newestFirst(dead.filter((operation) => operation.flow === 'storefront-fulfill'));
    expect(pages.flatMap(ids)).toEqual(expected);
    expect(pages.map((page) => (page.body.items as unknown[]).length)).toEqual([30, 30, 24]);
    expect(pages.at(-1)?.body.next_cursor).toBeNull();
  });

  it('takes since (inclusive) and until (exclusive), to the millisecond', async () => {
    // dead-50…54 were created at base + 10 s, dead-95…99 at base + 19 s, dead-100… at base + 20 s.
    const since = new Date(base + 10_000).toISOString();
    const until = new Date(base + 20_000).toISOString();

    const pages = await allPages({ status: 'DEAD', since, until });

    expect(pages.flatMap(ids)).toEqual(newestFirst(dead.slice(50, 100)));
    const offset = await allPages({ status: 'DEAD', since: since.replace('Z', '+00:00'), until });
    expect(offset.flatMap(ids)).toEqual(pages.flatMap(ids));
  });

  describe('cursors', () => {
    const firstPage = () => stack.call('GET /operations', { query: { status: 'DEAD', limit: '10' } });

    it('refuses a tampered cursor with 400 invalid-cursor', async () => {
      const cursor = String((await firstPage()).body.next_cursor);
      const [payload, mac] = cursor.split('.') as [string, string];
      const position = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { p: { at: number } };
      position.p.at -= 1_000;
      const edited = `${Buffer.from(JSON.stringify(position)).toString('base64url')}.${mac}`;
      // The last character but one: every bit of it is signature (the last one's low bits are padding).
      const swapped = mac.at(-2) === 'A' ? 'B' : 'A';
      const flipped = `${payload}.${mac.slice(0, -2)}${swapped}${mac.slice(-1)}`;

      for (const bad of [edited, flipped]) {
        const refused = await stack.call('GET /operations', { query: { status: 'DEAD', cursor: bad } });
        expect(refused.status).toBe(400);
        expect(refused.headers['content-type']).toBe('application/problem+json');
        expect(refused.body).toMatchObject({ type: `${PROBLEM}invalid-cursor`, status: 400 });
        expect(String(refused.body.detail)).toContain('start again');
      }
    });

    it('refuses a malformed cursor, and one signed by another deployment', async () => {
      const foreign = await new CursorSigner(async () => 'another-app-secret').encode(
        { list: 'operations', filters: { status: 'DEAD' } },
        { at: base, pk: `op#${dead[0]?.operation_id}` },
      );
      for (const bad of ['abc', 'a.b.c', '!!!.???', foreign]) {
        const refused = await stack.call('GET /operations', { query: { status: 'DEAD', cursor: bad } });
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ type: `${PROBLEM}invalid-cursor` });
      }
    });

    it('refuses a cursor reused with other filters, and takes it with another limit', async () => {
      const cursor = String((await firstPage()).body.next_cursor);

      const others: Record<string, string>[] = [
        { status: 'FAILED', cursor },
        { status: 'DEAD', flow: 'wms-delivery', cursor },
        { status: 'DEAD', since: new Date(base).toISOString(), cursor },
      ];
      for (const query of others) {
        const refused = await stack.call('GET /operations', { query });
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ type: `${PROBLEM}invalid-cursor` });
        expect(String(refused.body.detail)).toContain('other filters');
      }
      const resized = await stack.call('GET /operations', { query: { status: 'DEAD', limit: '5', cursor } });
      expect(resized.status).toBe(200);
      expect(ids(resized)).toEqual(newestFirst(dead).slice(10, 15));
    });
  });

  describe('parameters', () => {
    it.each([
      ['limit=0', { status: 'DEAD', limit: '0' }, 'limit'],
      ['limit=101', { status: 'DEAD', limit: '101' }, 'limit'],
      ['limit=ten', { status: 'DEAD', limit: 'ten' }, 'limit'],
      ['no status', {}, 'status'],
      ['an unknown status', { status: 'LOST' }, 'status'],
      ['an unknown flow', { status: 'DEAD', flow: 'fax' }, 'flow'],
      ['since without a zone', { status: 'DEAD', since: '2026-11-23T10:00:00' }, 'since'],
      ['until that is no time', { status: 'DEAD', until: 'yesterday' }, 'until'],
      [
        'until before since',
        { status: 'DEAD', since: '2026-11-23T10:00:00Z', until: '2026-11-23T09:00:00Z' },
        'until',
      ],
      ['an unknown parameter', { status: 'DEAD', sort: 'asc' }, 'sort'],
    ])('answers 400 invalid-query naming the parameter for %s', async (_, query, parameter) => {
      const refused = await stack.call('GET /operations', { query });

      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        type: `${PROBLEM}invalid-query`,
        status: 400,
        errors: [expect.objectContaining({ path: parameter, message: expect.any(String) })],
      });
    });

    it('takes limit=1 and limit=100', async () => {
      expect(
        ids(await stack.call('GET /operations', { query: { status: 'DEAD', limit: '1' } })),
      ).toHaveLength(1);
      expect(
        ids(await stack.call('GET /operations', { query: { status: 'DEAD', limit: '100' } })),
      ).toHaveLength(100);
    });
  });
});

describe('POST /operations/replay', () => {
  let stack: OperatorHarness | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    await stack?.close();
    stack = undefined;
  });

  /** `count` fulfilments that go DEAD at their first attempt (one transient failure each). */
  async function deadFulfilments(harness: OperatorHarness, count: number, prefix = 'R') {
    parts.sim.faults.set([{ type: 'isp', count }]);
    const operationIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const answer = await harness.deliverStorefront({
        seller_id: 'shop-1',
        fulfillment: fulfillment({ out_ref: `${prefix}${900_000 + i}` }),
      });
      operationIds.push(String(answer.body.operation_id));
    }
    parts.sim.faults.set([]);
    parts.sim.clearLedger();
    for (const id of operationIds) expect((await harness.runtime.operations.get(id))?.status).toBe('DEAD');
    return operationIds;
  }

  const fulfilled = () =>
    parts.sim.ledger
      .filter((call) => call.method === 'aliexpress.solution.order.fulfill')
      .map((call) => JSON.stringify(call.params));

  it('replays the DEAD operations that match: each goes through against the simulator once', async () => {
    stack = await operatorHarness(parts, { env: { RETRY_MAX_ATTEMPTS: '1' } });
    const operationIds = await deadFulfilments(stack, 5);

    const answer = await stack.call('POST /operations/replay', { body: { status: 'DEAD' } });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      replayed: 5,
      skipped: 0,
      operation_ids: expect.arrayContaining(operationIds),
      outcomes: { SUCCEEDED: 5 },
      remaining: 0,
    });
    expect(fulfilled()).toHaveLength(5);
    expect(new Set(fulfilled()).size).toBe(5);
    for (const id of operationIds) {
      expect(await stack.runtime.operations.get(id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    }
    // Safe to repeat: nothing is DEAD any more.
    const again = await stack.call('POST /operations/replay', { body: { status: 'DEAD' } });
    expect(again.body).toMatchObject({ replayed: 0, skipped: 0, operation_ids: [] });
    expect(fulfilled()).toHaveLength(5);
  });

  it('run twice at once, attempts each operation once: the replay that lost an operation counts it skipped', async () => {
    stack = await operatorHarness(parts, { env: { RETRY_MAX_ATTEMPTS: '1' } });
    const operationIds = await deadFulfilments(stack, 8);
    // Both replays list every operation before either takes one: the race at its widest.
    const list = stack.runtime.operations.list.bind(stack.runtime.operations);
    let listed = 0;
    let bothListed: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      bothListed = resolve;
    });
    vi.spyOn(stack.runtime.operations, 'list').mockImplementation(async (...args) => {
      const page = await list(...args);
      if (++listed === 2) bothListed();
      await barrier;
      return page;
    });

    const [a, b] = await Promise.all([
      stack.call('POST /operations/replay', { body: { status: 'DEAD' } }),
      stack.call('POST /operations/replay', { body: { status: 'DEAD' } }),
    ]);

    expect(fulfilled()).toHaveLength(8);
    expect(new Set(fulfilled()).size).toBe(8);
    const replayedIds = [...(a.body.operation_ids as string[]), ...(b.body.operation_ids as string[])];
    expect(replayedIds.sort()).toEqual([...operationIds].sort());
    expect(Number(a.body.replayed) + Number(b.body.replayed)).toBe(8);
    expect(Number(a.body.skipped) + Number(b.body.skipped)).toBe(8);
  });

  it('counts as skipped an operation a single replay took after the list was read', async () => {
    stack = await operatorHarness(parts, { env: { RETRY_MAX_ATTEMPTS: '1' } });
    const [first, ...others] = await deadFulfilments(stack, 3);
    const harness = stack;
    const list = harness.runtime.operations.list.bind(harness.runtime.operations);
    vi.spyOn(harness.runtime.operations, 'list').mockImplementationOnce(async (...args) => {
      const page = await list(...args);
      const single = await harness.call('POST /operations/{id}/replay', {
        pathParameters: { id: String(first) },
      });
      expect(single.status).toBe(200);
      return page;
    });

    const answer = await harness.call('POST /operations/replay', { body: { status: 'DEAD' } });

    expect(answer.body).toMatchObject({ replayed: 2, skipped: 1, remaining: 0 });
    expect([...(answer.body.operation_ids as string[])].sort()).toEqual([...others].sort());
    expect(fulfilled()).toHaveLength(3);
  });

  it('takes the flow, the window and the limit, oldest first', async () => {
    stack = await operatorHarness(parts, { env: { RETRY_MAX_ATTEMPTS: '1' } });
    const first = await deadFulfilments(stack, 2, 'A');
    stack.clock.now += HOUR;
    const later = await deadFulfilments(stack, 3, 'B');

    const wrongFlow = await stack.call('POST /operations/replay', {
      body: { status: 'DEAD', flow: 'wms-delivery' },
    });
    const windowed = await stack.call('POST /operations/replay', {
      body: { status: 'DEAD', until: new Date(stack.clock.now - HOUR / 2).toISOString() },
    });
    const limited = await stack.call('POST /operations/replay', {
      body: { status: 'DEAD', flow: 'storefront-fulfill', limit: 2 },
    });

    expect(wrongFlow.body).toMatchObject({ replayed: 0, skipped: 0 });
    expect([...(windowed.body.operation_ids as string[])].sort()).toEqual([...first].sort());
    expect(limited.body).toMatchObject({ replayed: 2 });
    expect(later).toEqual(expect.arrayContaining(limited.body.operation_ids as string[]));
    expect(fulfilled()).toHaveLength(4);
  });

  it('stops taking operations when the invocation runs short of time, and says how many it left', async () => {
    stack = await operatorHarness(parts, { env: { RETRY_MAX_ATTEMPTS: '1' }, replayConcurrency: 1 });
    await deadFulfilments(stack, 6);
    // The invocation's time goes 4 s per call made: after three, less than a call and the reserve is left.
    const context = {
      ...stack.contextFor(),
      getRemainingTimeInMillis: () => 15_000 - 4_000 * fulfilled().length,
    };

    const answer = await stack.call('POST /operations/replay', { body: { status: 'DEAD' }, context });

    expect(answer.body).toMatchObject({ replayed: 3, skipped: 0, remaining: 3 });
    expect(fulfilled()).toHaveLength(3);
    const rest = await stack.call('POST /operations/replay', { body: { status: 'DEAD' } });
    expect(rest.body).toMatchObject({ replayed: 3, remaining: 0 });
  });

  it.each([
    ['no status', {}, 'status'],
    ['a status that is not replayable', { status: 'PENDING_RETRY' }, 'status'],
    ['limit 0', { status: 'DEAD', limit: 0 }, 'limit'],
    ['limit 101', { status: 'DEAD', limit: 101 }, 'limit'],
    ['an unknown flow', { status: 'DEAD', flow: 'fax' }, 'flow'],
    ['a bad since', { status: 'DEAD', since: 'now' }, 'since'],
    ['an unknown field', { status: 'DEAD', everything: true }, 'everything'],
  ])('answers 400 naming the field for %s, and replays nothing', async (_, body, field) => {
    stack = await operatorHarness(parts);

    const refused = await stack.call('POST /operations/replay', { body });

    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      type: `${PROBLEM}invalid-payload`,
      errors: [expect.objectContaining({ path: field })],
    });
    expect(parts.sim.ledger).toEqual([]);
  });

  it('answers 415 to a body that is not JSON and 400 to malformed JSON', async () => {
    stack = await operatorHarness(parts);

    expect(
      (await stack.call('POST /operations/replay', { body: 'status=DEAD', contentType: 'text/plain' }))
        .status,
    ).toBe(415);
    expect((await stack.call('POST /operations/replay', { body: '{"status":' })).status).toBe(400);
  });
});

describe('GET /status', () => {
  let stack: OperatorHarness;

  beforeAll(async () => {
    stack = await operatorHarness(parts);
  });

  afterAll(() => stack.close());

  it('counts the operations in each status, from the index, and shows no ban when there is none', async () => {
    const now = stack.clock.now;
    const seeded: [string, Operation['status'], number][] = [
      ['DEAD', 'DEAD', 3],
      ['FAILED', 'FAILED', 2],
      ['SUCCEEDED', 'SUCCEEDED', 7],
      ['PENDING_RETRY', 'PENDING_RETRY', 1],
    ];
    for (const [key, status, count] of seeded) {
      for (let i = 0; i < count; i++) {
        await stack.seedOperation(
          operationRecord(`status-${key}-${i}`, status, now - i, {
            ...(status === 'PENDING_RETRY' && { next_attempt_at: now + 60_000 }),
          }),
        );
      }
    }

    const { result: answer, queries } = await countQueries(() => stack.call('GET /status'));

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ban: { until: null },
      operations: {
        IN_PROGRESS: 0,
        SUCCEEDED: 7,
        FAILED: 2,
        PENDING_RETRY: 1,
        DEAD: 3,
        STALE: 0,
        DUPLICATE: 0,
      },
      parked: { sellers: 0, orders: 0 },
      stopped: { orders: 0 },
      capped: [],
    });
    // One COUNT Query per status, and one each for parked sellers, parked and stopped orders.
    expect(queries).toBe(7 + 3);
  });

  it('shows TOP’s ban while it lasts', async () => {
    const until = stack.clock.now + 30_000;
    await stack.runtime.ban.extend(until);
    stack.clock.now += 2_000;

    const answer = await stack.call('GET /status');

    expect((answer.body.ban as { until: string }).until).toBe(new Date(until).toISOString());
  });
});
