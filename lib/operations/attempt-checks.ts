import type { RateLimitBan } from './ban-store.ts';

/** What an attempt reads before calling: the shared rate-limit ban. */
export interface AttemptChecks {
  readonly banUntil: number;
}

/** Reads the checks of an attempt; a round trip on the way to TOP, so it goes alongside the claim. */
export async function readChecks(ban: RateLimitBan): Promise<AttemptChecks> {
  return { banUntil: await ban.until() };
}
