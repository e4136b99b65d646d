/** A short name for what happened, used as the metric and in the log line. */
export type ErrorOutcome =
  | 'invalid'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'in_flight'
  | 'key_reused'
  | 'unknown_seller'
  | 'unavailable'
  | 'error';

/** How loud the log line of a refused request is: a caller's mistake is news, ours is an alarm. */
export type ErrorLogLevel = 'info' | 'warn' | 'error';

export interface ProblemErrorOptions {
  readonly cause?: unknown;
}

/**
 * Root of this project's own errors. Each part has one base below it (`RequestError`,
 * `OperationsError`, `StoreError`, `TrackingError`, `CredentialsError`, `WebhookError`,
 * `ConfigError`), and every error carries what
 * the HTTP edge answers with, so the one mapping (`lib/http/error-response.ts`) reads these
 * properties: a new error class cannot fall through to a silent 500, since TypeScript asks it for
 * each of them. 4xx answers show `detail`; a 5xx shows nothing of the error.
 */
export abstract class ProblemError extends Error {
  /** The HTTP status of the answer. */
  abstract readonly status: number;
  /** The problem type's last part: `urn:top-webhooks:problem:<slug>`, stable for senders to branch on. */
  abstract readonly slug: string;
  abstract readonly title: string;
  abstract readonly outcome: ErrorOutcome;
  readonly logLevel: ErrorLogLevel = 'info';

  constructor(message: string, options: ProblemErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }

  /** What the answer says of this occurrence (4xx only): by default the message. */
  get detail(): string {
    return this.message;
  }

  /** Members the problem body carries besides type, title, status and detail: ids, field issues. */
  extensions(): Readonly<Record<string, unknown>> {
    return {};
  }

  /** Headers of the answer, e.g. `retry-after`. */
  headers(): Readonly<Record<string, string>> {
    return {};
  }
}
