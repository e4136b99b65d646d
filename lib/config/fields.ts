import * as z from 'zod/mini';

// zod names a missing key the same way as a wrong one; say which it was.
const requiredOr = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : message;

/** Non-empty text, trimmed. */
export const text = z
  .string({ error: requiredOr('must be text') })
  .check(z.trim(), z.minLength(1, 'must not be empty'));

/** An absolute URL. */
export const url = z.url({ error: requiredOr('must be a URL') });

/** A positive number of seconds (or days), `fallback` when unset. */
export const seconds = (fallback: number) =>
  z._default(z.coerce.number().check(z.positive('must be a positive number')), fallback);

/** A positive whole number, `fallback` when unset. */
export const wholeNumber = (fallback: number) =>
  z._default(
    z.coerce.number().check(z.int('must be a whole number'), z.positive('must be positive')),
    fallback,
  );
