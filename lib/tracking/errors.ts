import { ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the tracking part's errors: logistics orders kept in sync with TOP. */
export abstract class TrackingError extends ProblemError {}

/**
 * A logistics-orders item that is not one this code wrote (a field missing or of another type, an
 * error kind it does not know): refused rather than acted on. Names the fields, never their values:
 * an order's snapshot holds personal data.
 */
export class CorruptTrackedOrderError extends TrackingError {
  readonly status = 500;
  readonly slug = 'internal';
  readonly title = 'Internal Server Error';
  readonly outcome = 'error';
  override readonly logLevel = 'error';
  readonly fields: readonly string[];
  constructor(fields: readonly string[]) {
    super(`a logistics-orders item does not read as a tracked order: ${fields.join(', ')}`);
    this.fields = fields;
  }
}

/** A parked-seller item that is not one this code wrote. Names the fields, never their values. */
export class CorruptParkedSellerError extends TrackingError {
  readonly status = 500;
  readonly slug = 'internal';
  readonly title = 'Internal Server Error';
  readonly outcome = 'error';
  override readonly logLevel = 'error';
  readonly fields: readonly string[];
  constructor(fields: readonly string[]) {
    super(`a logistics-orders item does not read as a parked seller: ${fields.join(', ')}`);
    this.fields = fields;
  }
}

/** The paths of a failed parse's issues (`history.0.at`), the values left out. */
export const issuePaths = (issues: readonly { readonly path: readonly PropertyKey[] }[]): string[] =>
  issues.map((issue) => issue.path.map(String).join('.') || '(root)');
