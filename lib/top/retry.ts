import { type TopError, TopRateLimitedError } from './errors.ts';

/** Retries inside one call: transient errors, and rate limits whose announced ban is short. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Delay before the first retry; doubles each time, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest announced rate-limit ban still waited out in-call; a longer one is rescheduled by the caller. */
  readonly maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxRateLimitWaitMs: 2_000,
});

/**
 * How long to wait before attempt `attempt + 1` after `error`, or `undefined` to give up. Capped
 * exponential backoff with equal jitter (half fixed, half random), as stripe-node does.
 */
export function retryDelayMs(
  error: TopError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (!error.retryable || attempt >= policy.maxAttempts) return undefined;
  if (error instanceof TopRateLimitedError && error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= policy.maxRateLimitWaitMs ? error.retryAfterMs : undefined;
  }
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return backoff / 2 + (backoff / 2) * random();
}

/** Checks a policy handed in by a caller; rejects what cannot be meant. */
export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const { maxAttempts, baseDelayMs, maxDelayMs, maxRateLimitWaitMs } = policy;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
  }
  for (const [name, value] of Object.entries({ baseDelayMs, maxDelayMs, maxRateLimitWaitMs })) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${name} must be ≥ 0, got ${value}`);
  }
  if (maxDelayMs < baseDelayMs) throw new RangeError('retry.maxDelayMs must be ≥ retry.baseDelayMs');
  return Object.freeze({ ...policy });
}
