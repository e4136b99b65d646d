import type * as z from 'zod/mini';
import '#lib/errors/zod-english.ts';
import { TopPermanentError } from '../errors.ts';

/** One rule a request broke: where (`package_list.0.status`) and what. */
export interface RequestIssue {
  readonly path: string;
  readonly message: string;
}

/** The request broke the API's rules; nothing was sent, and unchanged it never will be. */
export class TopRequestValidationError extends TopPermanentError {
  override readonly method: string;
  readonly issues: readonly RequestIssue[];

  constructor(method: string, issues: readonly RequestIssue[], options?: { cause?: unknown }) {
    super(
      `Invalid ${method} request: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      { method, cause: options?.cause },
    );
    this.method = method;
    this.issues = issues;
  }
}

/** Flattens zod issues into dotted paths; unknown keys become one issue per key. */
export function toRequestIssues(error: z.core.$ZodError): RequestIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...base, key].join('.'),
        message: 'is not a field of this API',
      }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}
