import { describe, expect, it } from 'vitest';
import {
  TopAuthError,
  TopBusinessError,
  TopPermanentError,
  TopRateLimitedError,
  TopTimeoutError,
  TopTransientError,
  TopTransportError,
} from '#lib/top/errors.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, validateRetryPolicy } from '#lib/top/retry.ts';

const policy: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxRateLimitWaitMs: 2_000,
};
const lowest = () => 0;
const highest = () => 1;
const transient = new TopTransientError('isp.unknown-error', { code: 15, subCode: 'isp.unknown-error' });

describe('retryDelayMs', () => {
  it.each([
    ['a permanent error', new TopPermanentError('isv', { subCode: 'isv.invalid-parameter' })],
    ['a business failure', new TopBusinessError('result_success=false')],
    ['an auth error', new TopAuthError('Invalid Session', { code: 27 })],
  ])('gives up on %s', (_case, error) => {
    expect(retryDelayMs(error, 1, policy, highest)).toBeUndefined();
  });

  it.each([
    [1, 50, 100],
    [2, 100, 200],
    [3, 200, 400],
    [4, 400, 800],
    [5, 500, 1_000],
    [9, 500, 1_000],
  ])(
    'after transient failure of attempt %i waits within [%i, %i] ms (equal jitter, capped)',
    (attempt, min, max) => {
      expect(retryDelayMs(transient, attempt, policy, lowest)).toBe(min);
      expect(retryDelayMs(transient, attempt, policy, highest)).toBe(max);
    },
  );

  it('puts the random half on top of the fixed half', () => {
    expect(retryDelayMs(transient, 1, policy, () => 0.5)).toBe(75);
  });

  it('never waits longer than maxDelayMs', () => {
    for (let attempt = 1; attempt < policy.maxAttempts; attempt++) {
      expect(retryDelayMs(transient, attempt, policy, highest)).toBeLessThanOrEqual(policy.maxDelayMs);
    }
  });

  it('stays within its bounds with the real random source', () => {
    for (let i = 0; i < 100; i++) {
      const delay = retryDelayMs(transient, 2, policy) as number;
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });

  it.each([
    ['a transport failure', new TopTransportError('ECONNRESET', { status: 502 })],
    ['a timeout', new TopTimeoutError('deadline')],
    ['a rate limit without an announced ban', new TopRateLimitedError('App Call Limited', { code: 7 })],
  ])('backs off after %s like after any transient failure', (_case, error) => {
    expect(retryDelayMs(error, 1, policy, lowest)).toBe(50);
    expect(retryDelayMs(error, 1, policy, highest)).toBe(100);
  });

  it.each([1_000, 2_000])('waits out an announced ban of %i ms exactly', (retryAfterMs) => {
    const error = new TopRateLimitedError('ban', { code: 7, retryAfterMs });
    expect(retryDelayMs(error, 1, policy, lowest)).toBe(retryAfterMs);
    expect(retryDelayMs(error, 1, policy, highest)).toBe(retryAfterMs);
  });

  it('leaves a ban longer than maxRateLimitWaitMs to the caller', () => {
    const error = new TopRateLimitedError('ban', { code: 7, retryAfterMs: 2_001 });
    expect(retryDelayMs(error, 1, policy, lowest)).toBeUndefined();
  });

  it('leaves a ban of hours (daily quota) to the caller', () => {
    const error = new TopRateLimitedError('ban', { code: 7, retryAfterMs: 71_343_000 });
    expect(retryDelayMs(error, 1, policy, lowest)).toBeUndefined();
  });

  it('gives up once maxAttempts attempts have been made', () => {
    const three = { ...policy, maxAttempts: 3 };
    const banned = new TopRateLimitedError('ban', { code: 7, retryAfterMs: 1_000 });
    expect(retryDelayMs(transient, 2, three, lowest)).toBe(100);
    expect(retryDelayMs(transient, 3, three, lowest)).toBeUndefined();
    expect(retryDelayMs(transient, 4, three, lowest)).toBeUndefined();
    expect(retryDelayMs(banned, 3, three, lowest)).toBeUndefined();
  });

  it('never retries with maxAttempts 1', () => {
    expect(retryDelayMs(transient, 1, { ...policy, maxAttempts: 1 }, lowest)).toBeUndefined();
  });
});

describe('validateRetryPolicy', () => {
  it('accepts the default policy', () => {
    expect(validateRetryPolicy(DEFAULT_RETRY_POLICY)).toEqual(DEFAULT_RETRY_POLICY);
  });

  it('returns a frozen copy', () => {
    const input = { ...policy };
    const checked = validateRetryPolicy(input);
    expect(checked).not.toBe(input);
    expect(checked).toEqual(input);
    expect(Object.isFrozen(checked)).toBe(true);
  });

  it('accepts a single attempt and zero delays', () => {
    const edge = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRateLimitWaitMs: 0 };
    expect(validateRetryPolicy(edge)).toEqual(edge);
  });

  it.each([
    ['maxAttempts 0', { maxAttempts: 0 }],
    ['negative maxAttempts', { maxAttempts: -1 }],
    ['fractional maxAttempts', { maxAttempts: 2.5 }],
    ['NaN maxAttempts', { maxAttempts: Number.NaN }],
    ['infinite maxAttempts', { maxAttempts: Number.POSITIVE_INFINITY }],
    ['negative baseDelayMs', { baseDelayMs: -1 }],
    ['NaN baseDelayMs', { baseDelayMs: Number.NaN }],
    ['infinite maxDelayMs', { maxDelayMs: Number.POSITIVE_INFINITY }],
    ['negative maxRateLimitWaitMs', { maxRateLimitWaitMs: -1 }],
    ['NaN maxRateLimitWaitMs', { maxRateLimitWaitMs: Number.NaN }],
    ['maxDelayMs below baseDelayMs', { baseDelayMs: 500, maxDelayMs: 100 }],
  ])('rejects %s', (_case, override) => {
    expect(() => validateRetryPolicy({ ...policy, ...override })).toThrow(RangeError);
  });
});
