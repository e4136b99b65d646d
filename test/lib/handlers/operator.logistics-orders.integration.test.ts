import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_NOT_FOUND_REFRESHES } from '#lib/tracking/refresh.ts';
import {
  type OperatorAnswer,
  type OperatorHarness,
  operatorHarness,
} from '#test/helpers/operator-harness.ts';
import { mockSecretsManager, secretIdsEnv } from '#test/helpers/secrets-manager.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { TEST_APP } from '#test/helpers/top-sim.ts';
import { STOREFRONT_SECRET } from '#test/helpers/webhook-harness.ts';

// shop-2's session is one the platform refuses: its orders are parked at their first refresh.
const SESSIONS = { shop1: 'session-shop-1', revoked: 'session-shop-2-revoked' };
const parts = useTestParts({ statusStepMs: 1_000_000_000, sessions: [SESSIONS.shop1] });
const sm = mockSecretsManager();
const PROBLEM = 'urn:top-webhooks:problem:';
const MINUTE = 60_000;
const QUERY = 'aliexpress.local.logistics.order.info.query';

let stack: OperatorHarness;

beforeEach(async () => {
  sm.put(
    'top/credentials',
    JSON.stringify({
      app_key: TEST_APP.appKey,
      app_secret: TEST_APP.appSecret,
      sellers: { 'shop-1': SESSIONS.shop1, 'shop-2': SESSIONS.revoked },
    }),
  );
  sm.put('top/storefront', STOREFRONT_SECRET);
  stack = await operatorHarness(parts, {
    env: secretIdsEnv({ topCredentials: 'top/credentials', storefrontWebhook: 'top/storefront' }),
    overrides: { secretsManager: new SecretsManagerClient({ region: 'us-east-1' }) },
  });
});

afterEach(() => stack.close());

/** Tracks each order a second after the one before, so the list's order is the tracking order. */
async function track(orders: [sellerId: string, id: string][]) {
  for (const [sellerId, id] of orders) {
    stack.clock.now += 1_000;
    expect((await stack.track({ seller_id: sellerId, logistics_order_id: id })).status).toBe(201);
  }
}

/** The DynamoDB requests of each kind made while `run` goes. */
async function countRequests<T>(
  run: () => Promise<T>,
): Promise<{ result: T; requests: Record<string, number> }> {
  const requests: Record<string, number> = {};
  const name = `count-requests-${Math.random()}`;
  parts.dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '?';
      requests[command] = (requests[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await run(), requests };
  } finally {
    parts.dynamo.client.middlewareStack.remove(name);
  }
}

/** The platform's queries of one order, as the simulator's ledger holds them. */
const queriesOf = (id: string) =>
  parts.sim.ledger.filter((call) => call.method === QUERY && JSON.stringify(call.params).includes(`"${id}"`))
    .length;

const idsOf = (answer: OperatorAnswer) =>
  (answer.body.items as { logistics_order_id: string }[]).map((item) => item.logistics_order_id);

async function allPages(query: Record<string, string>) {
  const pages: OperatorAnswer[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.call('GET /logistics-orders', {
      query: { ...query, ...(cursor && { cursor }) },
    });
    expect(page.status).toBe(200);
    pages.push(page);
    cursor = (page.body.next_cursor as string | null) ?? undefined;
  } while (cursor);
  return pages;
}

describe('GET /logistics-orders', () => {
  beforeEach(async () => {
    await track([
      ['shop-1', 'BP-1'],
      ['shop-2', 'BP-2'],
      ['shop-1', 'BP-3'],
      ['shop-2', 'BP-4'],
      ['shop-1', 'BP-5'],
    ]);
    await stack.round();
    // Tracked after the round: not read yet.
    await track([['shop-1', 'BP-6']]);
  });

  it('pages through every tracked order newest first, across statuses and parking, without snapshots', async () => {
    const { result: pages, requests } = await countRequests(() => allPages({ limit: '2' }));

    expect(pages.map(idsOf)).toEqual([
      ['BP-6', 'BP-5'],
      ['BP-4', 'BP-3'],
      ['BP-2', 'BP-1'],
    ]);
    expect(pages.at(-1)?.body.next_cursor).toBeNull();
    const items = pages.flatMap((page) => page.body.items as Record<string, unknown>[]);
    expect(items.find((item) => item.logistics_order_id === 'BP-5')).toEqual({
      logistics_order_id: 'BP-5',
      seller_id: 'shop-1',
      status: '1',
      tracked_at: expect.any(String),
      last_refreshed_at: expect.any(String),
      next_refresh_at: expect.any(String),
      parked: null,
      stopped: null,
      finished_at: null,
      last_error: null,
    });
    // The snapshot holds personal data (names, addresses, phones): never in a list.
    const raw = pages.map((page) => page.raw).join();
    expect(raw).not.toMatch(/snapshot|history|receipt_address|cell_phone|session_fingerprint/);
    // The first page reads each of the 12 partitions (none, 1–8, other, parked, stopped) once; the
    // cursor marks those read to their end, so the next pages read only those with orders left (4 in
    // all). And one BatchGetItem of each page's orders.
    expect(requests).toEqual({ QueryCommand: 16, BatchGetItemCommand: 3 });
  });

  it('reads one partition for a parked list: one Query and one BatchGetItem a page', async () => {
    const { requests } = await countRequests(() => allPages({ parked: 'true' }));

    expect(requests).toEqual({ QueryCommand: 1, BatchGetItemCommand: 1 });
  });

  it('lists the parked orders with why, and parked=false the others', async () => {
    const parked = await allPages({ parked: 'true' });
    const others = await allPages({ parked: 'false' });

    expect(parked.flatMap(idsOf)).toEqual(['BP-4', 'BP-2']);
    expect(((parked[0]?.body.items ?? []) as Record<string, unknown>[])[0]).toMatchObject({
      seller_id: 'shop-2',
      status: null,
      next_refresh_at: null,
      parked: {
        reason: 'TOP refused the seller session',
        code: 'IllegalAccessToken',
        at: expect.any(String),
      },
      last_error: { kind: 'auth', code: 'IllegalAccessToken' },
    });
    expect(others.flatMap(idsOf)).toEqual(['BP-6', 'BP-5', 'BP-3', 'BP-1']);
  });

  it('lists the orders of one status; none: not read yet, parked ones among them', async () => {
    expect((await allPages({ status: '1' })).flatMap(idsOf)).toEqual(['BP-5', 'BP-3', 'BP-1']);
    expect((await allPages({ status: 'none' })).flatMap(idsOf)).toEqual(['BP-6', 'BP-4', 'BP-2']);
    expect((await allPages({ status: 'none', parked: 'false' })).flatMap(idsOf)).toEqual(['BP-6']);
    expect((await allPages({ status: '6' })).flatMap(idsOf)).toEqual([]);
  });

  it('refuses a cursor reused with another filter, and bad parameters, naming them', async () => {
    const first = await stack.call('GET /logistics-orders', { query: { limit: '1' } });
    const cursor = String(first.body.next_cursor);

    const reused = await stack.call('GET /logistics-orders', { query: { parked: 'true', cursor } });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ type: `${PROBLEM}invalid-cursor` });

    for (const [query, parameter] of [
      [{ status: '9' }, 'status'],
      [{ parked: 'yes' }, 'parked'],
      [{ parked: 'true', stopped: 'true' }, 'stopped'],
      [{ limit: '101' }, 'limit'],
      [{ limit: '0' }, 'limit'],
      [{ seller_id: 'shop-1' }, 'seller_id'],
    ] as const) {
      const refused = await stack.call('GET /logistics-orders', { query });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        type: `${PROBLEM}invalid-query`,
        errors: [expect.objectContaining({ path: parameter })],
      });
    }
  });
});

describe('DELETE /logistics-orders/{id}', () => {
  it('stops tracking: 204, then 404 to a read and to a second delete, and no query of it at the next rounds', async () => {
    await track([
      ['shop-1', 'BP-KEEP'],
      ['shop-1', 'BP-DROP'],
    ]);
    await stack.round();
    expect([queriesOf('BP-KEEP'), queriesOf('BP-DROP')]).toEqual([1, 1]);

    const deleted = await stack.call('DELETE /logistics-orders/{id}', { pathParameters: { id: 'BP-DROP' } });

    expect(deleted.status).toBe(204);
    expect(deleted.raw).toBe('');
    const read = await stack.call('GET /logistics-orders/{id}', { pathParameters: { id: 'BP-DROP' } });
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ type: `${PROBLEM}logistics-order-not-tracked`, status: 404 });
    const again = await stack.call('DELETE /logistics-orders/{id}', { pathParameters: { id: 'BP-DROP' } });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ type: `${PROBLEM}logistics-order-not-tracked` });
    for (let round = 0; round < 3; round++) {
      stack.clock.now += 30 * MINUTE;
      await stack.round();
    }
    expect([queriesOf('BP-KEEP'), queriesOf('BP-DROP')]).toEqual([4, 1]);
    expect((await allPages({})).flatMap(idsOf)).toEqual(['BP-KEEP']);
  });

  it('answers 404 for an order never tracked, and for an id longer than any tracked one can be', async () => {
    for (const id of ['BP-NEVER', 'x'.repeat(2_048)]) {
      const refused = await stack.call('DELETE /logistics-orders/{id}', { pathParameters: { id } });
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ type: `${PROBLEM}logistics-order-not-tracked` });
    }
  });

  it('leaves a worker holding a message of the order nothing to refresh', async () => {
    await track([['shop-1', 'BP-INFLIGHT']]);
    const messages: { logistics_order_id: string; token: string }[] = [];
    await stack.dispatchTo({ send: async (batch) => void messages.push(...batch) });
    expect(messages.map((message) => message.logistics_order_id)).toEqual(['BP-INFLIGHT']);

    await stack.call('DELETE /logistics-orders/{id}', { pathParameters: { id: 'BP-INFLIGHT' } });
    await stack.queue.send(messages.map((message) => JSON.stringify(message)));
    await stack.queue.drained();

    expect(queriesOf('BP-INFLIGHT')).toBe(0);
    expect(
      (await stack.call('GET /logistics-orders/{id}', { pathParameters: { id: 'BP-INFLIGHT' } })).status,
    ).toBe(404);
  });
});

describe('an order the platform says does not exist', () => {
  it(`stops being refreshed after ${MAX_NOT_FOUND_REFRESHES} queries in a row, and shows why`, async () => {
    await track([
      ['shop-1', 'NOTFOUND-1'],
      ['shop-1', 'BP-FINE'],
    ]);

    for (let round = 0; round < MAX_NOT_FOUND_REFRESHES + 3; round++) {
      await stack.round();
      stack.clock.now += 30 * MINUTE;
    }

    expect(queriesOf('NOTFOUND-1')).toBe(MAX_NOT_FOUND_REFRESHES);
    expect(queriesOf('BP-FINE')).toBe(MAX_NOT_FOUND_REFRESHES + 3);
    const view = await stack.call('GET /logistics-orders/{id}', { pathParameters: { id: 'NOTFOUND-1' } });
    expect(view.body).toMatchObject({
      stopped: {
        reason: `TOP does not know this logistics order: ${MAX_NOT_FOUND_REFRESHES} queries in a row answered without it`,
        sub_code: 'ORDER_NOT_FOUND',
        at: expect.any(String),
      },
      last_error: { kind: 'permanent', sub_code: 'ORDER_NOT_FOUND' },
      last_refreshed_at: null,
    });
    expect(view.body).not.toHaveProperty('next_refresh_at');
    expect((await allPages({ stopped: 'true' })).flatMap(idsOf)).toEqual(['NOTFOUND-1']);
    expect((await allPages({ stopped: 'false' })).flatMap(idsOf)).toEqual(['BP-FINE']);
    expect((await stack.call('GET /status')).body).toMatchObject({ stopped: { orders: 1 } });
  });

  it('is still refreshed after fewer misses than the bound, the last one shown', async () => {
    await track([['shop-1', 'NOTFOUND-LATE']]);
    for (let round = 0; round < MAX_NOT_FOUND_REFRESHES - 1; round++) {
      await stack.round();
      stack.clock.now += 30 * MINUTE;
    }
    expect(
      (await stack.call('GET /logistics-orders/{id}', { pathParameters: { id: 'NOTFOUND-LATE' } })).body,
    ).toMatchObject({
      next_refresh_at: expect.any(String),
      last_error: { sub_code: 'ORDER_NOT_FOUND' },
    });
    expect(
      (await stack.call('GET /logistics-orders/{id}', { pathParameters: { id: 'NOTFOUND-LATE' } })).body,
    ).not.toHaveProperty('stopped');
  });
});

describe('GET /status', () => {
  it('counts the parked sellers and their orders', async () => {
    await track([
      ['shop-2', 'BP-P1'],
      ['shop-2', 'BP-P2'],
      ['shop-2', 'BP-P3'],
      ['shop-1', 'BP-OK'],
    ]);
    await stack.round();

    const status = await stack.call('GET /status');

    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      parked: { sellers: 1, orders: 3 },
      stopped: { orders: 0 },
      capped: [],
    });
  });
});
