// P4 in `npm run bench`: the order-detail refresh at scale through the local stack, under TOP's limit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refreshCallsPerSecond } from '#lib/config/tracking.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import type { LedgerEntry } from '#local/top-sim/server.ts';
import { fmt, measure, postSigned, simStats, stackEnv, startProcess, stopProcess } from './harness.ts';

const REFRESH_ORDERS = 10_000;
/** TOP's limit the simulator holds: past it, code 7 and a ban of every call for 2 s. */
const LIMIT_PER_SECOND = 200;
const BAN_SECONDS = 2;
/** The local stack runs the worker as one container: its invocations share one pacer. */
const LOCAL_WORKERS = 1;
// The round is over long before; a stalled one stops here.
const GIVE_UP_MS = 600_000;

/** What one round measured. */
export interface RefreshFigures {
  /** Orders tracked, each refreshed once in the round. */
  readonly orders: number;
  /** From the stack's start (the dispatcher's first run within 1 s) to the last order's call. */
  readonly seconds: number;
  readonly ordersPerSecond: number;
  readonly limitPerSecond: number;
  /** `ordersPerSecond / limitPerSecond`. */
  readonly ratio: number;
  /** The pace the workers were given (`REFRESH_CALLS_PER_SECOND`), by the documented rule. */
  readonly pacePerSecond: number;
  /** Calls the simulator answered with its rate-limit error during the round. */
  readonly bansMet: number;
  /** TOP calls per refreshed order: 1 when none met a ban. */
  readonly topCallsPerOrder: number;
}

/**
 * The order-detail refresh of 10,000 tracked orders through the local stack, the simulator holding
 * TOP's limit at 200 calls/s and the workers paced by the rule the README gives (the budget, 95% of
 * the limit, over one local container: 190/s): orders refreshed per second against the limit, bans
 * met, and TOP calls per refreshed order. Printed, and returned.
 */
export async function refreshAtScale(simUrl: string): Promise<RefreshFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-refresh-'));
  const pacePerSecond = refreshCallsPerSecond(LIMIT_PER_SECOND, LOCAL_WORKERS);
  const env = {
    ...stackEnv(simUrl, dataDir),
    REFRESH_CALLS_PER_SECOND: String(pacePerSecond),
    // Long enough that no order comes due a second time during the measured round.
    REFRESH_INTERVAL_SECONDS: '3600',
  };
  try {
    console.log(`\nOrder-detail refresh: ${fmt(REFRESH_ORDERS)} tracked orders through the local stack`);
    // Tracked first with the dispatcher asleep, so the round is measured on its own.
    const tracking = await startProcess('local/start.ts', { ...env, SCHEDULE_INTERVAL_SECONDS: '86400' });
    const tracked = await measure(REFRESH_ORDERS, 16, (i) =>
      postSigned(
        tracking.url,
        '/webhooks/storefront/logistics-orders',
        LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET,
        {
          logistics_order_id: `BPBENCH${String(i).padStart(6, '0')}`,
        },
      ),
    );
    await stopProcess(tracking.child);
    console.log(`  tracking requests: ${fmt(tracked.perSecond)}/s (p50 ${fmt(tracked.p50, 2)} ms)`);

    await fetch(new URL('/_sim/ledger', simUrl), { method: 'DELETE' });
    await fetch(new URL('/_sim/faults', simUrl), {
      method: 'POST',
      body: JSON.stringify([{ type: 'rate_limit', qps: LIMIT_PER_SECOND, ban_seconds: BAN_SECONDS }]),
    });
    const before = await simStats(simUrl);
    const refreshing = await startProcess('local/start.ts', { ...env, SCHEDULE_INTERVAL_SECONDS: '1' });
    const start = performance.now();
    // Progress from the simulator's counters: reading the whole ledger a few times a second would
    // load the simulator (and this process) as much as the round it measures.
    let executed = 0;
    while (executed < REFRESH_ORDERS && performance.now() - start < GIVE_UP_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      executed = (await simStats(simUrl)).executed - before.executed;
    }
    const seconds = (performance.now() - start) / 1_000;
    await stopProcess(refreshing.child);
    const after = await simStats(simUrl);
    // Once, at the end: each order refreshed once, by its id.
    const ledger = (await (await fetch(new URL('/_sim/ledger', simUrl))).json()) as LedgerEntry[];
    const orders = new Set(ledger.map((entry) => entry.params.logistics_order_id)).size;
    const ordersPerSecond = orders / seconds;
    const figures: RefreshFigures = {
      orders,
      seconds,
      ordersPerSecond,
      limitPerSecond: LIMIT_PER_SECOND,
      ratio: ordersPerSecond / LIMIT_PER_SECOND,
      pacePerSecond,
      bansMet: after.rateLimited - before.rateLimited,
      // API calls only: the stats and ledger reads above are control requests.
      topCallsPerOrder: (after.calls - before.calls) / Math.max(1, orders),
    };
    console.log(
      `  one round: ${fmt(orders)} orders refreshed in ${fmt(seconds, 1)} s = ${fmt(ordersPerSecond)}/s ` +
        `(first dispatch within 1 s), ${fmt(figures.ratio, 2)}× the ${LIMIT_PER_SECOND} calls/s limit, ` +
        `paced at ${pacePerSecond}/s; bans met ${figures.bansMet}; ` +
        `TOP calls per refreshed order ${fmt(figures.topCallsPerOrder, 3)}`,
    );
    return figures;
  } finally {
    await fetch(new URL('/_sim/faults', simUrl), { method: 'DELETE' });
    await rm(dataDir, { recursive: true, force: true });
  }
}
