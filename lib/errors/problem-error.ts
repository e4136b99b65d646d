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

/** What the HTTP edge answers an error with. */
export interface ProblemKind {
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The problem type's last part: `urn:top-webhooks:problem:<slug>`, stable for senders to branch on. */
  readonly slug: string;
  readonly title: string;
  readonly outcome: ErrorOutcome;
  /** Default `info`: a caller's mistake. */
  readonly logLevel?: ErrorLogLevel;
}

/** Problems several parts answer with alike. */
export const PROBLEMS = {
  /** A dependency failed before the event was stored: the sender must come back (→ 503). */
  unavailable: {
    status: 503,
    slug: 'dependency-unavailable',
    title: 'Service unavailable',
    outcome: 'unavailable',
    logLevel: 'warn',
  },
  /** Our own secret or setting is unusable: an operator must fix it; the sender's retry then gets through. */
  misconfigured: {
    status: 503,
    slug: 'dependency-unavailable',
    title: 'Service unavailable',
    outcome: 'unavailable',
    logLevel: 'error',
  },
  /** Ours, and nothing the sender can change: a 500 that shows nothing. */
  internal: {
    status: 500,
    slug: 'internal',
    title: 'Internal Server Error',
    outcome: 'error',
    logLevel: 'error',
  },
} as const satisfies Record<string, ProblemKind>;

export interface ProblemErrorOptions {
  readonly cause?: unknown;
}

/**
 * Root of this project's own errors. Each part has one base below it (`RequestError`,
 * `OperationsError`, `StoreError`, `TrackingError`, `CredentialsError`, `WebhookError`,
 * `ConfigError`), and every error is built with the {@link ProblemKind} the HTTP edge answers it with,
 * so the one mapping (`lib/http/error-response.ts`) reads these properties: a new error class cannot
 * fall through to a silent 500, since its constructor must name one. 4xx answers show `detail`; a
 * 5xx shows nothing of the error.
 */
export abstract class ProblemError extends Error implements ProblemKind {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly outcome: ErrorOutcome;
  readonly logLevel: ErrorLogLevel;

  constructor(message: string, problem: ProblemKind, options: ProblemErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = problem.status;
    this.slug = problem.slug;
    this.title = problem.title;
    this.outcome = problem.outcome;
    this.logLevel = problem.logLevel ?? 'info';
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
