import { describe, expect, it } from 'vitest';
import type { RetryConfig } from '#lib/config/config.ts';
import { budgetSpent, retryDelayMs } from '#lib/operations/backoff.ts';

const retry: RetryConfig = { baseMs: 1_000, maxDelayMs: 10_000, maxAttempts: 5, maxAgeMs: 60_000 };

describe('retryDelayMs', () => {
  it('doubles each retry, between half and all of the step', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, retry, () => 0))).toEqual([500, 1_000, 2_000]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, retry, () => 1))).toEqual([1_000, 2_000, 4_000]);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(30, retry, () => 1)).toBe(10_000);
    expect(retryDelayMs(30, retry, () => 0)).toBe(5_000);
  });
});

describe('budgetSpent', () => {
  it('is spent after the last allowed attempt or once the operation is too old', () => {
    expect(budgetSpent(4, 0, 59_999, retry)).toBe(false);
    expect(budgetSpent(5, 0, 1, retry)).toBe(true);
    expect(budgetSpent(1, 0, 60_000, retry)).toBe(true);
  });
});
