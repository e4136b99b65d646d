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

  constructor(perSecond: number, now: () => number = () => performance.now()) {
    if (!Number.isFinite(perSecond) || perSecond <= 0)
      throw new RangeError('perSecond must be a positive number');
    this.#intervalMs = 1000 / perSecond;
    this.#now = now;
  }

  /** Resolves when the caller may make its call. */
  async take(): Promise<void> {
    const now = this.#now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + this.#intervalMs;
    if (slot > now) await sleep(slot - now);
  }
}
