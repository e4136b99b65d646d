import { checkSeconds } from './options.ts';

/** Forced refetches triggered by what callers send are let through at most this often by default. */
export const DEFAULT_FORCED_REFETCH_INTERVAL_SECONDS = 30;

/**
 * Lets one forced refetch through per interval, so a flood of bad requests (unknown sellers, forged
 * signatures) costs at most one Secrets Manager call per interval and container.
 */
export class RefetchThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastAt: number | undefined;

  constructor(intervalSeconds = DEFAULT_FORCED_REFETCH_INTERVAL_SECONDS, now: () => number = Date.now) {
    this.#intervalMs = checkSeconds('forcedRefetchIntervalSeconds', intervalSeconds) * 1000;
    this.#now = now;
  }

  /** `true` (and the interval starts again) when a refetch may be made now. */
  tryAcquire(): boolean {
    const at = this.#now();
    if (this.#lastAt !== undefined && at - this.#lastAt < this.#intervalMs) return false;
    this.#lastAt = at;
    return true;
  }
}
