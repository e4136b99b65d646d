import { randomUUID } from 'node:crypto';

// A lease outlives the invocation that took it, so it can only lapse once that invocation is gone.
const LEASE_MARGIN_MS = 5_000;
// Time kept back from the TOP call for recording its outcome.
const RECORDING_RESERVE_MS = 2_000;
const MIN_TOP_DEADLINE_MS = 250;

/** A new lease for an invocation with `remainingMs` left. */
export const leaseFor = (now: number, remainingMs: number) => ({
  token: randomUUID(),
  expiresAt: now + Math.max(0, remainingMs) + LEASE_MARGIN_MS,
});

/** The TOP call's deadline: the configured one, kept well inside the invocation's remaining time. */
export const topDeadlineFor = (configuredMs: number, remainingMs: number): number =>
  Math.max(MIN_TOP_DEADLINE_MS, Math.min(configuredMs, remainingMs - RECORDING_RESERVE_MS));
