import { describe, expect, it } from 'vitest';
import { CallPacer } from '#lib/tracking/pacer.ts';

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
});
