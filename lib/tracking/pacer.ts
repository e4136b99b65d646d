import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces calls evenly at no more than `perSecond`, for everything sharing this pacer (one per
 * container, at module scope). With the event source's maximum concurrency it caps the calls the
 * refresh makes to TOP: a paced refresh stays under TOP's limit instead of meeting its ban.
 */
export class CallPacer {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #nextSlot = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(perSecond: number, now: () => number = () => performance.now()) {
    if (!Number.isFinite(perSecond) || perSecond <= 0)
      throw new RangeError('perSecond must be a positive number');
    this.#intervalMs = 1000 / perSecond;
    this.#now = now;
  }

  /** Resolves when the caller may make its call. */
  take(): Promise<void> {
    // One taker at a time, each spaced from the last by the time it really went: timers that fire
    // late after a busy event loop cannot release a burst.
    const turn = this.#queue.then(async () => {
      const wait = this.#nextSlot - this.#now();
      if (wait > 0) await sleep(wait);
      this.#nextSlot = this.#now() + this.#intervalMs;
    });
    this.#queue = turn;
    return turn;
  }
}
