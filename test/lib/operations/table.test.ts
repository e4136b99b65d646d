import { describe, expect, it } from 'vitest';
import { dueBy, indexTime } from '#lib/operations/table.ts';

describe('indexTime', () => {
  it('keeps the millisecond and sets items of one millisecond apart by their key', () => {
    const times = Array.from({ length: 200 }, (_, i) => indexTime(1_795_440_000_123, `lo#BP${i}`));
    for (const time of times) {
      expect(Math.floor(time)).toBe(1_795_440_000_123);
      expect(time).toBeLessThan(dueBy(1_795_440_000_123));
    }
    expect(new Set(times).size).toBeGreaterThan(150);
    expect(indexTime(1_795_440_000_123, 'lo#BP1')).toBe(indexTime(1_795_440_000_123, 'lo#BP1'));
  });

  it('is due by its own millisecond and not by the one before', () => {
    const time = indexTime(5_000, 'op#x');
    expect(time < dueBy(5_000)).toBe(true);
    expect(time < dueBy(4_999)).toBe(false);
  });
});
