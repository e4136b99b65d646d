import { PROBLEMS, ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the storage part's errors. */
export abstract class StoreError extends ProblemError {}

/**
 * DynamoDB could not be reached or refused the request; wraps the SDK error. Nothing was stored, so
 * the sender must come back (→ 503).
 */
export class StoreUnavailableError extends StoreError {
  /** Which store, e.g. `operations store`. */
  readonly store: string;
  constructor(store: string, action: string, options: { cause: unknown }) {
    super(`${store} unavailable while trying to ${action}`, PROBLEMS.unavailable, options);
    this.store = store;
  }
}

/**
 * An item that does not read as the record it should be (a status this code does not know, a field
 * missing or of another type): refused rather than acted on. Names the fields, never their values:
 * some records hold personal data.
 */
export class CorruptItemError extends StoreError {
  /** What the item should have been, e.g. `operation`, `tracked order`. */
  readonly record: string;
  readonly fields: readonly string[];
  constructor(record: string, fields: readonly string[]) {
    super(`an item does not read as a ${record}: ${fields.join(', ')}`, PROBLEMS.internal);
    this.record = record;
    this.fields = fields;
  }
}

/** The paths of a failed parse's issues (`history.0.at`), the values left out. */
export const issuePaths = (issues: readonly { readonly path: readonly PropertyKey[] }[]): string[] =>
  issues.map((issue) => issue.path.map(String).join('.') || '(root)');
