import type { RefreshSchedule } from '#lib/config/tracking.ts';

/** The wait before the next refresh: the interval, doubled for each refresh in a row that found nothing new. */
export const nextRefreshDelayMs = (unchangedRefreshes: number, schedule: RefreshSchedule): number =>
  Math.min(schedule.maxIntervalMs, schedule.intervalMs * 2 ** Math.min(unchangedRefreshes, 30));
