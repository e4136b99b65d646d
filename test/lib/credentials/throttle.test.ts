import { describe, expect, it } from 'vitest';
import { DEFAULT_FORCED_REFETCH_INTERVAL_SECONDS, RefetchThrottle } from '#lib/credentials/throttle.ts';

describe('RefetchThrottle', () => {
  it('lets the first refetch through, then one per interval', () => {
    let now = 1_000_000;
    const throttle = new RefetchThrottle(30, () => now);

    expect(throttle.tryAcquire()).toBe(true);
    expect(throttle.tryAcquire()).toBe(false);
    now += 29_999;
    expect(throttle.tryAcquire()).toBe(false);
    now += 1;
    expect(throttle.tryAcquire()).toBe(true);
    expect(throttle.tryAcquire()).toBe(false);
  });

  it('waits 30 seconds by default', () => {
    let now = 0;
    const throttle = new RefetchThrottle(undefined, () => now);
    throttle.tryAcquire();

    now = DEFAULT_FORCED_REFETCH_INTERVAL_SECONDS * 1000 - 1;
    expect(throttle.tryAcquire()).toBe(false);
    now = 30_000;
    expect(throttle.tryAcquire()).toBe(true);
  });

  it('lets every refetch through with an interval of 0', () => {
    const throttle = new RefetchThrottle(0, () => 0);

    expect([throttle.tryAcquire(), throttle.tryAcquire()]).toEqual([true, true]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the interval %s', (seconds) => {
    expect(() => new RefetchThrottle(seconds)).toThrow(RangeError);
  });
});
