import { ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the tracking part's errors: logistics orders kept in sync with the platform. */
export abstract class TrackingError extends ProblemError {}
