import { PROBLEMS, ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the tracking part's errors: logistics orders kept in sync with the platform. */
export abstract class TrackingError extends ProblemError {}

/** No logistics order is tracked under the id (never was, untracked, or expired). */
export class LogisticsOrderNotTrackedError extends TrackingError {
  constructor() {
    super('no logistics order is tracked under this id', {
      status: 404,
      slug: 'logistics-order-not-tracked',
      title: 'Not tracked',
      outcome: 'not_found',
    });
  }
}

/** The function was built without the logistics-orders table (`LOGISTICS_ORDERS_TABLE`). */
export class TrackingNotConfiguredError extends TrackingError {
  constructor() {
    super('the logistics-orders table is not configured', PROBLEMS.misconfigured);
  }
}
