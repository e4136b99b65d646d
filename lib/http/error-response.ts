import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ErrorLogLevel, type ErrorOutcome, ProblemError } from '#lib/errors/problem-error.ts';
import { problemResponse, problemType } from './problem.ts';

export type { ErrorOutcome } from '#lib/errors/problem-error.ts';

export interface MappedError {
  readonly response: APIGatewayProxyStructuredResultV2;
  readonly outcome: ErrorOutcome;
  /** Logged: the error's class and, for our own 4xx, its message; never the body. */
  readonly logLevel: ErrorLogLevel;
}

const INTERNAL: MappedError = {
  outcome: 'error',
  logLevel: 'error',
  response: problemResponse({ type: 'about:blank', title: 'Internal Server Error', status: 500 }),
};

/**
 * The one place errors become HTTP answers (RFC 9457 problems). Our own errors say how they are
 * answered ({@link ProblemError}); 4xx say what is wrong, a 503 says to come back, and a 5xx shows
 * nothing of the error. Anything else is a generic 500 that leaks nothing.
 */
export function errorResponse(error: unknown): MappedError {
  if (!(error instanceof ProblemError)) return INTERNAL;
  const { outcome, logLevel, status } = error;
  if (status === 503) {
    return {
      outcome,
      logLevel,
      response: problemResponse(
        {
          type: problemType('dependency-unavailable'),
          title: 'Service unavailable',
          status,
          detail: 'a dependency is unavailable; nothing was stored, retry later',
        },
        { 'retry-after': '5', ...error.headers() },
      ),
    };
  }
  if (status >= 500) return { ...INTERNAL, outcome, logLevel };
  return {
    outcome,
    logLevel,
    response: problemResponse(
      {
        ...error.extensions(),
        type: problemType(error.slug),
        title: error.title,
        status,
        detail: error.detail,
      },
      error.headers(),
    ),
  };
}
