import type { RetryConfig } from '#lib/config/config.ts';

/**
 * Delay before retry number `attempts` (1 = the first retry): capped exponential backoff with
 * jitter (between half and all of the step), so a crowd of operations failed by one outage does not come back at one instant.
 */
export function retryDelayMs(
  attempts: number,
  retry: RetryConfig,
  random: () => number = Math.random,
): number {
  const exponential = retry.baseMs * 2 ** Math.max(0, attempts - 1);
  const ceiling = Math.min(retry.maxDelayMs, exponential);
  // At least half the step: a retry "in 0 s" would only meet the same fault again.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Whether an operation with `attempts` calls made since `budgetStartedAt` has spent its budget. */
export const budgetSpent = (
  attempts: number,
  budgetStartedAt: number,
  now: number,
  retry: RetryConfig,
): boolean => attempts >= retry.maxAttempts || now - budgetStartedAt >= retry.maxAgeMs;
