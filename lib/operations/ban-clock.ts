import type { RateLimitBan } from './ban-store.ts';

// How long this container trusts what it last read of the shared ban.
const FRESH_MS = 1_000;

/**
 * TOP's rate-limit ban as one container sees it: a ban met by any of its invocations stops them all
 * at once; one met elsewhere is read from the shared record at most a second late.
 */
export class ContainerBanClock implements RateLimitBan {
  readonly #shared: RateLimitBan;
  #known = 0;
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<number> | undefined;
  readonly #elapsed: () => number;

  /** `elapsed` is a monotonic clock in ms (a test's hand-moved one). */
  constructor(shared: RateLimitBan, elapsed: () => number = () => performance.now()) {
    this.#shared = shared;
    this.#elapsed = elapsed;
  }

  async until(): Promise<number> {
    if (this.#elapsed() - this.#readAt < FRESH_MS) return this.#known;
    this.#reading ??= this.#shared.until().finally(() => {
      this.#reading = undefined;
    });
    const read = await this.#reading;
    this.#known = Math.max(this.#known, read);
    this.#readAt = this.#elapsed();
    return this.#known;
  }

  /** The latest ban this container knows of, read or met by one of its invocations, without reading. */
  known(): number {
    return this.#known;
  }

  async extend(until: number): Promise<void> {
    this.#known = Math.max(this.#known, until);
    await this.#shared.extend(until);
  }
}
