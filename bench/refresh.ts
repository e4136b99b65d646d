// `npm run bench -- refresh`: the order-detail refresh at scale through the local stack.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import { fmt, measure, postSigned, simStats, stackEnv, startProcess, stopProcess } from './harness.ts';

const REFRESH_ORDERS = 10_000;

/**
 * The order-detail refresh at 10,000 tracked orders through the local stack, the simulator holding
 * TOP's limit at 200 calls/s and the workers paced at 180/s: orders refreshed per second, and TOP
 * calls per refreshed order (1.0 when no call meets a ban).
 */
export async function refreshAtScale(simUrl: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-refresh-'));
  const env = {
    ...stackEnv(simUrl, dataDir),
    REFRESH_CALLS_PER_SECOND: '180',
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
      body: JSON.stringify([{ type: 'rate_limit', qps: 200, ban_seconds: 2 }]),
    });
    const before = await simStats(simUrl);
    const refreshing = await startProcess('local/start.ts', { ...env, SCHEDULE_INTERVAL_SECONDS: '1' });
    const start = performance.now();
    let executed = 0;
    while (executed < REFRESH_ORDERS && performance.now() - start < 600_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const ledger = (await (await fetch(new URL('/_sim/ledger', simUrl))).json()) as {
        params: { logistics_order_id: string };
      }[];
      executed = new Set(ledger.map((entry) => entry.params.logistics_order_id)).size;
    }
    const seconds = (performance.now() - start) / 1_000;
    await stopProcess(refreshing.child);
    // API calls only: the ledger polls above are requests too.
    const calls = (await simStats(simUrl)).calls - before.calls;
    console.log(
      `  one round: ${fmt(executed)} orders refreshed in ${fmt(seconds, 1)} s = ${fmt(executed / seconds)}/s ` +
        `(first dispatch within 1 s); TOP calls per refreshed order ${fmt(calls / Math.max(1, executed), 3)}`,
    );
  } finally {
    await fetch(new URL('/_sim/faults', simUrl), { method: 'DELETE' });
    await rm(dataDir, { recursive: true, force: true });
  }
}
