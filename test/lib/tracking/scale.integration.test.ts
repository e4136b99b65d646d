import { describe, expect, it } from 'vitest';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { trackingHarness } from '#test/helpers/tracking-harness.ts';

// The simulator holds TOP's limit: past 200 calls a second it answers code 7 and bans every call.
const parts = useTestParts({ statusStepMs: 1_000_000_000 });
const ORDERS = 10_000;

describe('the refresh at scale', () => {
  it(`refreshes ${ORDERS} orders in one round under a 200 calls/s limit, one call each, never banned`, async () => {
    const stack = await trackingHarness(parts, {
      env: { REFRESH_CALLS_PER_SECOND: '150', REFRESH_CONCURRENCY: '8', DISPATCH_PAGE_SIZE: '250' },
      queue: { maxConcurrency: 4 },
    });
    try {
      const ids = Array.from({ length: ORDERS }, (_, i) => `BPS${String(i).padStart(5, '0')}`);
      // Tracked through the store: the tracking webhook has its own tests, this one is about the round.
      for (let i = 0; i < ids.length; i += 100) {
        await Promise.all(
          ids.slice(i, i + 100).map((id) =>
            stack.runtime.tracking.register({
              logistics_order_id: id,
              seller_id: 'shop-1',
              created_at: stack.clock.now,
              history: [],
              unchanged_refreshes: 0,
              next_refresh_at: stack.clock.now,
            }),
          ),
        );
      }
      parts.sim.faults.set([{ type: 'rate_limit', qps: 200, ban_seconds: 5 }]);
      const callsBefore = parts.sim.stats().calls;

      expect(await stack.round()).toMatchObject({ dispatched: ORDERS, banned: false });

      expect(parts.sim.stats().calls - callsBefore).toBe(ORDERS);
      expect(parts.sim.ledger).toHaveLength(ORDERS);
      expect(new Set(parts.sim.ledger.map((entry) => entry.params.logistics_order_id)).size).toBe(ORDERS);
      expect(await stack.runtime.ban.until()).toBe(0);
      const views = await Promise.all(ids.slice(0, 20).map((id) => stack.view(id)));
      for (const view of views) expect(view.body.status).toBe('1');
      expect(stack.queue.stats()).toMatchObject({ deadLettered: 0 });
    } finally {
      await stack.close();
    }
  }, 400_000);

  it('stops calling as soon as it meets a ban, and still refreshes every order in the rounds after', async () => {
    // Paced above the limit on purpose: bans come, and each may cost only the calls already in flight.
    const stack = await trackingHarness(parts, {
      env: { REFRESH_CALLS_PER_SECOND: '1000', REFRESH_CONCURRENCY: '4' },
      queue: { maxConcurrency: 2 },
    });
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `BPB${String(i).padStart(4, '0')}`);
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(ids.slice(i, i + 50).map((id) => stack.track({ logistics_order_id: id })));
      }
      parts.sim.faults.set([{ type: 'rate_limit', qps: 100, ban_seconds: 1 }]);
      const callsBefore = parts.sim.stats().calls;
      let rounds = 0;
      let refused = 0;
      while (parts.sim.ledger.length < ids.length && rounds < 20) {
        const before = { calls: parts.sim.stats().calls, executed: parts.sim.ledger.length };
        await stack.round();
        rounds++;
        const refusedThisRound =
          parts.sim.stats().calls - before.calls - (parts.sim.ledger.length - before.executed);
        // What was in flight when the ban came: at most every worker slot, never a stream of calls.
        expect(refusedThisRound).toBeLessThanOrEqual(2 * 4);
        refused += refusedThisRound;
        // Let TOP's ban (1 s) and ours (1 s + 1 s) both pass.
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        stack.clock.now += 2_100;
      }
      expect(parts.sim.ledger).toHaveLength(ids.length);
      expect(new Set(parts.sim.ledger.map((entry) => entry.params.logistics_order_id)).size).toBe(ids.length);
      expect(parts.sim.stats().calls - callsBefore).toBe(ids.length + refused);
    } finally {
      await stack.close();
    }
  }, 120_000);
});
