import { randomUUID } from 'node:crypto';
import type { RefreshSchedule } from '#lib/config/tracking.ts';
import type { CredentialsSource } from '#lib/credentials/credentials-source.ts';
import type { Log } from '#lib/observability/log.ts';
import type { RateLimitBan } from '#lib/operations/ban-store.ts';
import { LOGISTICS_ORDER_PLATFORM } from '#lib/top/apis/logistics-order-statuses.ts';
import { sessionFingerprint } from './fingerprint.ts';
import type { RefreshMessage, RefreshQueue } from './ports.ts';
import type { TrackingStore } from './store.ts';

export interface DispatchDeps {
  readonly tracking: TrackingStore;
  /** TOP's rate-limit ban, shared with the webhook flows: nothing is dispatched while it lasts. */
  readonly ban: RateLimitBan;
  readonly credentials: CredentialsSource;
  readonly queue: RefreshQueue;
  readonly schedule: RefreshSchedule;
  /** Due orders read per page of the index. */
  readonly pageSize: number;
  readonly log: Log;
  readonly now?: () => number;
}

export interface DispatchReport {
  /** TOP's rate-limit ban was on: nothing was dispatched. */
  readonly banned: boolean;
  readonly dispatched: number;
  /** Due orders another dispatcher claimed first. */
  readonly skipped: number;
  /** Parked orders put back because their seller's session changed. */
  readonly resumed: number;
}

// Time kept back at the end of the invocation: no page is started without it.
const STOP_RESERVE_MS = 5_000;
// Due orders claimed at once, and sent together: what one SendMessageBatch takes.
const CLAIMS_AT_ONCE = 10;

/**
 * One round of the refresh dispatcher: resumes parked orders whose seller has a new session, then
 * claims every due order (a conditional write, so overlapping dispatchers never send one twice)
 * and hands them to the workers through the queue, a page at a time.
 */
export async function dispatchDueOrders(
  deps: DispatchDeps,
  remainingMs: () => number,
): Promise<DispatchReport> {
  const now = deps.now ?? Date.now;
  const resumed = await resumeParkedOrders(deps);
  if ((await deps.ban.until()) > now()) return { banned: true, dispatched: 0, skipped: 0, resumed };

  let dispatched = 0;
  let skipped = 0;
  // Each page starts from the oldest due order again: the ones just claimed have left the range,
  // so no paging key is kept (one pointing at a claimed order is not reliable on every store).
  while (remainingMs() > STOP_RESERVE_MS) {
    const page = await deps.tracking.due(deps.pageSize);
    let claimedInPage = 0;
    // Ten at a time, each ten sent as soon as claimed (one SendMessageBatch): the workers start on
    // the first orders at once, and a page's claims never crowd out the workers' own reads and
    // writes (locally one process serves both; more claims at once measured slower there).
    for (let i = 0; i < page.items.length; i += CLAIMS_AT_ONCE) {
      const messages: RefreshMessage[] = [];
      await Promise.all(
        page.items.slice(i, i + CLAIMS_AT_ONCE).map(async (due) => {
          const token = randomUUID();
          const claimed = await deps.tracking.claim(
            due.logisticsOrderId,
            due.dueAt,
            token,
            now() + deps.schedule.leaseMs,
          );
          if (claimed) messages.push({ logistics_order_id: due.logisticsOrderId, token });
          else skipped++;
        }),
      );
      // A claimed order whose message never leaves is due again once its lease ends.
      await deps.queue.send(messages);
      dispatched += messages.length;
      claimedInPage += messages.length;
    }
    // Nothing left, or only orders others claimed (the index catching up): the round is over.
    if (claimedInPage === 0) break;
  }
  return { banned: false, dispatched, skipped, resumed };
}

/** Puts back the parked orders of each seller whose secret now holds another session. */
async function resumeParkedOrders(deps: DispatchDeps): Promise<number> {
  let resumed = 0;
  const sellers = await deps.tracking.parkedSellers();
  if (sellers.length === 0) return 0;
  for (const seller of sellers) {
    // A rotated session or a new authorization is what parked orders wait for: read the seller's
    // credentials afresh (throttled) to see it.
    await deps.credentials.refresh(seller.sellerId).catch(() => false);
    const current = await deps.credentials
      .forSeller(seller.sellerId, LOGISTICS_ORDER_PLATFORM)
      .catch(() => undefined);
    const fingerprint = sessionFingerprint(current?.credentials.session);
    if (!current || fingerprint === seller.sessionFingerprint) continue;
    for (;;) {
      const ids = await deps.tracking.parkedOrders(seller.sellerId, 100);
      if (ids.length === 0) break;
      const results = await Promise.all(ids.map((id) => deps.tracking.resume(id, seller.sellerId)));
      const moved = results.filter(Boolean).length;
      resumed += moved;
      // The index is eventually consistent: a page of orders already moved ends the loop.
      if (moved === 0) break;
    }
    await deps.tracking.clearSellerParked(seller.sellerId, seller.sessionFingerprint);
    deps.log.info('parked orders resumed: the seller session changed', { seller_id: seller.sellerId });
  }
  return resumed;
}
