/**
 * Paces the calls a worker container makes to TOP: at most `perSecond` of them in any second (any
 * window of 1,000 ms, wherever it starts), bursts included, spaced evenly. One per container, at
 * module scope, shared by its invocations. The refresh's budget is this times the containers that
 * run at once (the event source's maximum concurrency): kept under TOP's limit, with a margin for
 * the way there (`refreshCallsPerSecond` in the tracking config), the refresh never meets TOP's ban.
 *
 * A busy event loop fires timers late; the pace makes that time up (a few calls closer together, at
 * most `catchUp` of them at once), so it is really reached, and never more than `perSecond` in a
 * second. Time nobody waited in is not made up: a pacer that was idle starts again at its pace.
 * A rate under 1 means one call per `1 / perSecond` seconds; over 1, its whole part is the cap.
 */
export class CallPacer {
  /** Most calls in one window. */
  readonly #capacity: number;
  readonly #windowMs: number;
  readonly #intervalMs: number;
  /** How far behind its grid the pace may fall and still make the time up. */
  readonly #maxLagMs: number;
  readonly #now: () => number;
  /** When the last `capacity` calls went, oldest first (a ring). */
  readonly #granted: number[] = [];
  #oldest = 0;
  /** The grid's next slot: where the next call goes if nobody is late. */
  #nextSlot = Number.NEGATIVE_INFINITY;
  readonly #waiting: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `catchUp`: most calls let go at once to make up for late timers (default 1 in 20 of a second's
   * calls, at least 1); `now` is a monotonic clock in ms (a test's hand-moved one).
   */
  constructor(
    perSecond: number,
    now: () => number = () => performance.now(),
    options: { readonly catchUp?: number } = {},
  ) {
    if (!Number.isFinite(perSecond) || perSecond <= 0)
      throw new RangeError('perSecond must be a positive number');
    this.#capacity = Math.max(1, Math.floor(perSecond));
    this.#windowMs = perSecond >= 1 ? 1_000 : 1_000 / perSecond;
    this.#intervalMs = this.#windowMs / this.#capacity;
    const catchUp = options.catchUp ?? Math.max(1, Math.ceil(this.#capacity / 20));
    if (!Number.isInteger(catchUp) || catchUp < 1) throw new RangeError('catchUp must be a whole number ≥ 1');
    this.#maxLagMs = (catchUp - 1) * this.#intervalMs;
    this.#now = now;
  }

  /** The most calls this pacer lets go in any window of `windowMs`. */
  get limit(): { readonly calls: number; readonly windowMs: number } {
    return { calls: this.#capacity, windowMs: this.#windowMs };
  }

  /** Resolves when the caller may make its call; callers go in the order they came. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      // Idle until now: the pace starts afresh from this call, with no time to make up.
      if (this.#waiting.length === 0) this.#nextSlot = Math.max(this.#nextSlot, this.#now());
      this.#waiting.push(resolve);
      if (this.#timer === undefined) this.#release();
    });
  }

  /**
   * Lets go every caller whose turn has come, then sleeps until the next one's. `due` is the time
   * the timer was set for: once it fired, that time has come, whatever a coarse clock says.
   */
  #release(due = Number.NEGATIVE_INFINITY): void {
    this.#timer = undefined;
    for (let next = this.#waiting[0]; next; next = this.#waiting[0]) {
      const now = Math.max(this.#now(), due);
      const slot = Math.max(this.#nextSlot, now - this.#maxLagMs);
      // The window: the call `capacity` calls back must have left it.
      const full = this.#granted.length === this.#capacity;
      const at = full ? Math.max(slot, (this.#granted[this.#oldest] as number) + this.#windowMs) : slot;
      if (at > now) {
        this.#timer = setTimeout(() => this.#release(at), Math.max(1, Math.ceil(at - now)));
        return;
      }
      this.#waiting.shift();
      this.#nextSlot = slot + this.#intervalMs;
      if (full) {
        this.#granted[this.#oldest] = now;
        this.#oldest = (this.#oldest + 1) % this.#capacity;
      } else this.#granted.push(now);
      next();
    }
  }
}
