import { ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the storage part's errors. */
export abstract class StoreError extends ProblemError {}

/**
 * DynamoDB could not be reached or refused the request; wraps the SDK error. Nothing was stored, so
 * the sender must come back (→ 503).
 */
export class StoreUnavailableError extends StoreError {
  readonly status = 503;
  readonly slug = 'dependency-unavailable';
  readonly title = 'Service unavailable';
  readonly outcome = 'unavailable';
  override readonly logLevel = 'warn';
  /** Which store, e.g. `operations store`. */
  readonly store: string;
  constructor(store: string, action: string, options: { cause: unknown }) {
    super(`${store} unavailable while trying to ${action}`, options);
    this.store = store;
  }
}
