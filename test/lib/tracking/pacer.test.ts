import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refreshCallsPerSecond } from '#lib/config/tracking.ts';
import { CallPacer } from '#lib/tracking/pacer.ts';
import { seededRandom } from '#local/seeded-random.ts';

describe('CallPacer', () => {
  it('hands out one slot per interval, in order, to callers who come at once', async () => {
    const clock = { now: 0 };
    const pacer = new CallPacer(1_000, () => clock.now);
    const granted: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        await pacer.take();
        granted.push(i);
      }),
    );
    expect(granted).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new CallPacer(0)).toThrow(RangeError);
    expect(() => new CallPacer(Number.NaN)).toThrow(RangeError);
  });

  it('refuses a catch-up that is not a whole number of calls', () => {
    expect(() => new CallPacer(10, undefined, { catchUp: 0 })).toThrow(RangeError);
    expect(() => new CallPacer(10, undefined, { catchUp: 1.5 })).toThrow(RangeError);
  });

  describe('on a clock that timers fire late on', () => {
    // Fake timers and a fake Date: `Date.now()` is the pacers' clock. A stall moves the clock on
    // without firing timers, as a busy event loop does: whatever was due fires that much late.
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('lets a worker make at most its pace of calls in any second, however late its timers fire', async () => {
      const granted = await run({
        pacers: [new CallPacer(50, Date.now)],
        callers: 16,
        ms: 5_000,
        stalls: 40,
      });

      expect(mostInAnySecond(granted)).toBeLessThanOrEqual(50);
    });

    it('makes up the time late timers lose, so the pace is reached and not only approached', async () => {
      const granted = await run({
        pacers: [new CallPacer(50, Date.now)],
        callers: 16,
        ms: 10_000,
        stalls: 20,
      });

      // 10 s at 50 calls/s: what the first slot and the clock's last stall leave out, no more.
      expect(granted.length).toBeGreaterThanOrEqual(495);
    });

    it("keeps the workers' combined calls under the budget in every second, the first included", async () => {
      // 4 containers at once, each paced at its share of a 200 calls/s limit's budget (190).
      const pace = refreshCallsPerSecond(200, 4);
      const pacers = Array.from({ length: 4 }, () => new CallPacer(pace, Date.now));

      const granted = await run({ pacers, callers: 8, ms: 5_000, stalls: 30 });

      expect(pace).toBe(47);
      expect(mostInAnySecond(granted)).toBeLessThanOrEqual(4 * pace);
      // The first second too: four containers starting at once make no burst together.
      const first = granted[0] as number;
      expect(granted.filter((at) => at < first + 1_000).length).toBeLessThanOrEqual(4 * pace);
      expect(4 * pace).toBeLessThan(200);
    });

    it('lets go at most `catchUp` calls at once after a stall, however long', async () => {
      const pacer = new CallPacer(100, Date.now, { catchUp: 5 });
      const granted: number[] = [];
      const callers = Array.from({ length: 50 }, () => pacer.take().then(() => granted.push(Date.now())));
      await vi.advanceTimersByTimeAsync(0);
      vi.setSystemTime(Date.now() + 300);
      await vi.advanceTimersByTimeAsync(1_000);
      await Promise.all(callers);

      expect(Math.max(...countByInstant(granted).values())).toBeLessThanOrEqual(5);
      expect(mostInAnySecond(granted)).toBeLessThanOrEqual(100);
    });

    it('starts again at its pace after an idle spell, with no burst for the time nobody waited', async () => {
      const pacer = new CallPacer(100, Date.now);
      await pacer.take();
      await vi.advanceTimersByTimeAsync(5_000);
      const granted: number[] = [];
      const callers = Array.from({ length: 10 }, () => pacer.take().then(() => granted.push(Date.now())));
      await vi.advanceTimersByTimeAsync(1_000);
      await Promise.all(callers);

      const start = granted[0] as number;
      expect(granted.map((at) => at - start)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    });

    it('spaces calls 1 / perSecond seconds apart under one call a second', async () => {
      const pacer = new CallPacer(0.5, Date.now);
      const granted: number[] = [];
      const callers = Array.from({ length: 3 }, () => pacer.take().then(() => granted.push(Date.now())));
      await vi.advanceTimersByTimeAsync(10_000);
      await Promise.all(callers);

      expect(pacer.limit).toEqual({ calls: 1, windowMs: 2_000 });
      expect(granted.map((at) => at - (granted[0] as number))).toEqual([0, 2_000, 4_000]);
    });
  });
});

/**
 * `callers` loops per pacer, each taking its turn and then working 1–20 ms (a call), for `ms` of
 * the fake clock; every 25 ms or so the clock stalls up to `stalls` ms. Seeded: the same each run.
 */
async function run(options: {
  pacers: readonly CallPacer[];
  callers: number;
  ms: number;
  stalls: number;
}): Promise<number[]> {
  const random = seededRandom(7);
  const granted: number[] = [];
  const end = Date.now() + options.ms;
  let running = true;
  const loops = options.pacers.flatMap((pacer) =>
    Array.from({ length: options.callers }, async () => {
      while (running) {
        await pacer.take();
        if (!running) return;
        granted.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(random() * 20)));
      }
    }),
  );
  while (Date.now() < end) {
    await vi.advanceTimersByTimeAsync(1 + Math.floor(random() * 50));
    if (random() < 0.5) vi.setSystemTime(Date.now() + Math.floor(random() * options.stalls));
  }
  running = false;
  // The loops still waiting for a turn end at it.
  await vi.advanceTimersByTimeAsync(60_000);
  await Promise.all(loops);
  return granted.sort((a, b) => a - b);
}

/** The most calls in any window of 1,000 ms, (t − 1000, t] as a limiter counts them. */
function mostInAnySecond(sorted: readonly number[]): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[first] as number) <= (sorted[last] as number) - 1_000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

function countByInstant(times: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const at of times) counts.set(at, (counts.get(at) ?? 0) + 1);
  return counts;
}
